package dev.lodestar.drift;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.drift.sketch.Profile;
import dev.lodestar.drift.stats.DriftCalculator;
import dev.lodestar.drift.stats.DriftComparison;
import dev.lodestar.drift.stats.DriftSettings;
import dev.lodestar.drift.stats.FeatureComparison;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.registry.ModelRegistry;
import dev.lodestar.registry.model.RegisteredModelEntity;

/**
 * Drift reports and timelines of deployments, from the stored sketches: nothing is read per prediction.
 *
 * <p>A report over {@code [from, to)} compares every window of the deployment overlapping the period (all
 * replicas, all versions' inputs merged) with the reference profile of the version that served the deployment at
 * {@code to} (from its history, so a report of the past uses the version of the past); prediction drift compares
 * only that version's live predictions with its reference predictions. A period without live rows reports rows 0,
 * no features and no drift; a version without a reference profile reports its rows and no features. Tests and
 * thresholds are the model's drift settings.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class DriftReports {

    private static final Logger LOG = Logger.getLogger(DriftReports.class);

    private final DriftStore store;
    private final ModelRegistry registry;
    private final DriftSettingsService settings;
    private final DriftConfig config;
    private final ObjectMapper json;

    DriftReports(DriftStore store, ModelRegistry registry, DriftSettingsService settings, DriftConfig config, ObjectMapper json) {
        this.store = store;
        this.registry = registry;
        this.settings = settings;
        this.config = config;
        this.json = json;
    }

    /** A reference profile read back. */
    private record Loaded(DriftStore.StoredReference stored, Profile features, Profile predictions) {
    }

    /**
     * The report of {@code deployment} over {@code [from, to)}.
     *
     * @throws ApiException NOT_FOUND for a deployment that never existed; INVALID_ARGUMENT for an empty or
     *                      too long period
     */
    public DriftReport report(String deployment, Instant from, Instant to) {
        checkPeriod(from, to);
        List<DriftStore.Served> history = history(deployment);
        DriftStore.Served served = servedAt(history, to.minusNanos(1));
        String model = modelName(served.modelId());
        Loaded reference = load(served.modelId(), served.version());
        DriftSettings modelSettings = settings.forModel(served.modelId());
        List<DriftStore.StoredWindow> windows = store.windows(deployment, from, to);

        Profile liveFeatures = null;
        Profile livePredictions = null;
        long dropped = 0;
        java.util.Set<Instant> starts = new java.util.HashSet<>();
        for (DriftStore.StoredWindow window : windows) {
            if (servedAt(history, window.end().minusNanos(1)).mirrored(window.version())) {
                continue;
            }
            starts.add(window.start());
            dropped += window.dropped();
            liveFeatures = merge(liveFeatures, window.features(), deployment, window);
            if (window.version() == served.version()) {
                livePredictions = merge(livePredictions, window.predictions(), deployment, window);
            }
        }
        long rows = liveFeatures == null ? 0 : liveFeatures.rows();
        List<FeatureDrift> features = List.of();
        boolean datasetDrift = false;
        double driftShare = 0;
        FeatureDrift predictionDrift = null;
        if (reference != null && rows > 0) {
            DriftComparison comparison = DriftCalculator.compare(reference.features(), liveFeatures, modelSettings);
            Profile live = liveFeatures;
            features = comparison.features().stream().map(f -> view(f, live)).toList();
            datasetDrift = comparison.datasetDrift();
            driftShare = finite(comparison.driftShare());
            if (livePredictions != null && livePredictions.rows() > 0) {
                DriftComparison predictions = DriftCalculator.compare(reference.predictions(), livePredictions, modelSettings);
                Profile current = livePredictions;
                predictionDrift = predictions.features().isEmpty() ? null : view(predictions.features().get(0), current);
            }
        }
        LivePerformance performance = performance(deployment, from, to, served);
        return new DriftReport(deployment, model, served.version(), from, to, Performance.clamp(rows), starts.size(), dropped,
                datasetDrift, driftShare, features, predictionDrift, reference == null ? null : view(model, reference), performance);
    }

    /**
     * One point per window of {@code deployment} overlapping {@code [from, to)}, oldest first, each compared with
     * the reference of the version serving at the window's end.
     */
    public List<DriftPoint> timeline(String deployment, Instant from, Instant to) {
        checkPeriod(from, to);
        List<DriftStore.Served> history = history(deployment);
        Map<Instant, List<DriftStore.StoredWindow>> byStart = new LinkedHashMap<>();
        for (DriftStore.StoredWindow window : store.windows(deployment, from, to)) {
            byStart.computeIfAbsent(window.start(), k -> new ArrayList<>()).add(window);
        }
        if (byStart.isEmpty()) {
            return List.of();
        }
        Map<Integer, Optional<Loaded>> references = new HashMap<>();
        Map<Long, DriftSettings> modelSettings = new HashMap<>();
        Map<Long, Map<String, Double>> training = new HashMap<>();
        Map<Instant, List<DriftStore.Confusion>> confusion = new HashMap<>();
        store.confusion(deployment, from, to, true).forEach(c -> confusion.computeIfAbsent(c.window(), k -> new ArrayList<>()).add(c));
        Map<Instant, List<DriftStore.Errors>> errors = new HashMap<>();
        store.errors(deployment, from, to, true).forEach(e -> errors.computeIfAbsent(e.window(), k -> new ArrayList<>()).add(e));

        List<DriftPoint> points = new ArrayList<>(byStart.size());
        for (Map.Entry<Instant, List<DriftStore.StoredWindow>> entry : byStart.entrySet()) {
            List<DriftStore.StoredWindow> windows = entry.getValue();
            Instant end = windows.get(0).end();
            DriftStore.Served served = servedAt(history, end.minusNanos(1));
            Profile live = null;
            long dropped = 0;
            for (DriftStore.StoredWindow window : windows) {
                if (served.mirrored(window.version())) {
                    continue;
                }
                live = merge(live, window.features(), deployment, window);
                dropped += window.dropped();
            }
            long rows = live == null ? 0 : live.rows();
            Loaded reference = references.computeIfAbsent(served.version(),
                    v -> Optional.ofNullable(load(served.modelId(), v))).orElse(null);
            double share = 0;
            boolean drift = false;
            List<String> drifted = List.of();
            if (reference != null && rows > 0) {
                DriftComparison comparison = DriftCalculator.compare(reference.features(), live,
                        modelSettings.computeIfAbsent(served.modelId(), settings::forModel));
                share = finite(comparison.driftShare());
                drift = comparison.datasetDrift();
                drifted = comparison.features().stream().filter(FeatureComparison::drifted).map(FeatureComparison::feature).toList();
            }
            Map<String, Double> metrics = training.computeIfAbsent(served.modelId() * 100_003L + served.version(),
                    k -> store.trainingMetrics(served.modelId(), served.version()));
            LivePerformance performance = Performance.classification(confusion.getOrDefault(entry.getKey(), List.of()).stream()
                    .filter(c -> c.version() == served.version()).toList(), metrics);
            if (performance == null) {
                performance = Performance.regression(errors.getOrDefault(entry.getKey(), List.of()).stream()
                        .filter(e -> e.version() == served.version()).toList(), metrics);
            }
            points.add(new DriftPoint(entry.getKey(), end, served.version(), Performance.clamp(rows), dropped, share, drift, drifted,
                    performance));
        }
        return points;
    }

    /** The report as JSON, as evidence for a promotion request. */
    public String reportJson(DriftReport report) {
        try {
            return json.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a drift report as JSON", e);
        }
    }

    /** The reference profile of a model's version, or null without one. */
    public ReferenceProfile reference(String modelName, int version) {
        RegisteredModelEntity model = registry.get(modelName);
        registry.getVersion(model, version);
        Loaded loaded = load(model.id, version);
        return loaded == null ? null : view(model.name, loaded);
    }

    /**
     * The drift of the latest window of each deployment named (every replica's rows of it), for overviews; a
     * deployment without windows is missing from the answer.
     */
    public Map<String, DriftPoint> latest(List<String> deployments) {
        Map<String, DriftPoint> latest = new LinkedHashMap<>();
        for (Map.Entry<String, List<DriftStore.StoredWindow>> entry : store.latestWindows(deployments).entrySet()) {
            DriftStore.StoredWindow first = entry.getValue().get(0);
            List<DriftPoint> points = timeline(entry.getKey(), first.start(), first.end());
            if (!points.isEmpty()) {
                latest.put(entry.getKey(), points.get(points.size() - 1));
            }
        }
        return latest;
    }

    private LivePerformance performance(String deployment, Instant from, Instant to, DriftStore.Served served) {
        List<DriftStore.Confusion> counts = store.confusion(deployment, from, to, false).stream()
                .filter(c -> c.version() == served.version()).toList();
        if (!counts.isEmpty()) {
            return Performance.classification(counts, store.trainingMetrics(served.modelId(), served.version()));
        }
        List<DriftStore.Errors> sums = store.errors(deployment, from, to, false).stream()
                .filter(e -> e.version() == served.version()).toList();
        return sums.isEmpty() ? null : Performance.regression(sums, store.trainingMetrics(served.modelId(), served.version()));
    }

    private void checkPeriod(Instant from, Instant to) {
        if (from == null || to == null) {
            throw ApiException.invalid("from and to are required");
        }
        if (!from.isBefore(to)) {
            throw ApiException.invalid("from must be before to, got from " + from + " and to " + to);
        }
        Duration longest = config.maxPeriod();
        if (Duration.between(from, to).compareTo(longest) > 0) {
            throw ApiException.invalid("a drift period is at most " + longest + "; got " + Duration.between(from, to));
        }
    }

    private List<DriftStore.Served> history(String deployment) {
        List<DriftStore.Served> history = deployment == null ? List.of() : store.history(deployment);
        if (history.isEmpty()) {
            throw ApiException.notFound("no deployment named '" + deployment + "'");
        }
        return history;
    }

    /** The version primary at {@code at}: the latest change at or before it, or the first one for earlier times. */
    private static DriftStore.Served servedAt(List<DriftStore.Served> history, Instant at) {
        DriftStore.Served served = history.get(0);
        for (DriftStore.Served change : history) {
            if (change.at().isAfter(at)) {
                break;
            }
            served = change;
        }
        return served;
    }

    private String modelName(long modelId) {
        RegisteredModelEntity model = registry.byIds(List.of(modelId)).get(modelId);
        return model == null ? Long.toString(modelId) : model.name;
    }

    private Loaded load(long modelId, int version) {
        DriftStore.StoredReference stored = store.reference(modelId, version);
        if (stored == null) {
            return null;
        }
        return new Loaded(stored, Profile.fromBytes(stored.features()), Profile.fromBytes(stored.predictions()));
    }

    /** Adds a window's profile; a window whose columns contradict the others (a kind changed) is left out, logged. */
    private static Profile merge(Profile sum, byte[] bytes, String deployment, DriftStore.StoredWindow window) {
        try {
            Profile profile = Profile.fromBytes(bytes);
            return sum == null ? profile : sum.merge(profile);
        } catch (IllegalArgumentException e) {
            LOG.warnf("Deployment %s: window %s of version %d from %s left out of a report: %s", deployment, window.start(),
                    window.version(), window.replicaId(), e.getMessage());
            return sum;
        }
    }

    private static ReferenceProfile view(String model, Loaded loaded) {
        DriftStore.StoredReference stored = loaded.stored();
        return new ReferenceProfile(model, stored.version(), stored.datasetId() == null ? null : stored.datasetId().toString(),
                Performance.clamp(stored.rows()), Performance.clamp(stored.predictionRows()),
                loaded.features().columns().stream().map(c -> c.name()).toList(), stored.source(), stored.createdBy(),
                stored.createdAt());
    }

    private static FeatureDrift view(FeatureComparison comparison, Profile current) {
        var column = current.column(comparison.feature());
        List<String> bins = List.of();
        List<Double> reference = List.of();
        List<Double> live = List.of();
        if (comparison.histogram() != null) {
            bins = comparison.histogram().bins();
            reference = boxed(comparison.histogram().reference());
            live = boxed(comparison.histogram().current());
        }
        return new FeatureDrift(comparison.feature(), comparison.test().name(), finite(comparison.statistic()),
                comparison.pValue() == null ? null : finite(comparison.pValue()), finite(comparison.threshold()),
                comparison.drifted(), finite(comparison.psi()), column == null ? 0 : Performance.clamp(column.count()),
                new DriftHistogram(bins, reference, live));
    }

    private static List<Double> boxed(double[] values) {
        List<Double> boxed = new ArrayList<>(values.length);
        for (double value : values) {
            boxed.add(finite(value));
        }
        return boxed;
    }

    /** GraphQL floats are finite: an infinite distance is shown as the largest double, NaN as 0. */
    private static double finite(double value) {
        if (Double.isNaN(value)) {
            return 0;
        }
        return Double.isInfinite(value) ? Math.copySign(Double.MAX_VALUE, value) : value;
    }
}
