package dev.lodestar.mlflow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.lodestar.experiments.Experiment;
import dev.lodestar.experiments.ExperimentConnection;
import dev.lodestar.experiments.ExperimentService;
import dev.lodestar.experiments.MetricHistory;
import dev.lodestar.experiments.MetricInput;
import dev.lodestar.experiments.Param;
import dev.lodestar.experiments.ParamInput;
import dev.lodestar.experiments.Run;
import dev.lodestar.experiments.RunBatchWriter;
import dev.lodestar.experiments.RunConnection;
import dev.lodestar.experiments.RunIds;
import dev.lodestar.experiments.RunSearch;
import dev.lodestar.experiments.RunService;
import dev.lodestar.experiments.Tag;
import dev.lodestar.experiments.TagInput;
import dev.lodestar.experiments.model.ExperimentEntity;
import dev.lodestar.experiments.model.RunEntity;
import dev.lodestar.experiments.model.RunStatus;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Cursors;
import dev.lodestar.graphql.ErrorCode;
import dev.lodestar.graphql.Page;
import dev.lodestar.mlflow.MlflowMessages.KeyValue;

/**
 * MLflow's tracking calls in Lodestar's terms: each one checks and converts its request, calls the tracking
 * services (which own the rules and write the audit), and answers in MLflow's shapes. Calls that make several
 * changes make them in one transaction.
 *
 * <p>Where the two differ: deleting an experiment archives it ({@code lifecycle_stage} {@code deleted}); the
 * run's user and start time come from the token and the server's clock; {@code mlflow.parentRunId} and
 * {@code mlflow.runName} tags given at creation nest and name the run; metric values must be finite numbers and
 * steps fit in 32 bits; run searches return at most {@value Page#MAX_FIRST} runs a page.
 */
@ApplicationScoped
@Transactional
public class MlflowTracking {

    /** URI scheme of Lodestar's artifact store in MLflow fields that hold locations. */
    public static final String ARTIFACT_SCHEME = "lodestar-artifacts:";

    static final String RUN_NAME_TAG = "mlflow.runName";
    static final String PARENT_RUN_TAG = "mlflow.parentRunId";

    private static final int DEFAULT_MAX_RESULTS = 1_000;
    private static final String HISTORY_CURSOR = "mlflow-metric-history";
    private static final Pattern NAME_FILTER = Pattern.compile(
            "(?i)\\s*(?:attributes?\\.)?name\\s*(=|LIKE|ILIKE)\\s*(['\"])(.*)\\2\\s*");

    private final ExperimentService experiments;
    private final RunService runs;
    private final RunBatchWriter batches;
    private final RunSearch search;
    private final MetricHistory history;

    MlflowTracking(ExperimentService experiments, RunService runs, RunBatchWriter batches, RunSearch search,
            MetricHistory history) {
        this.experiments = experiments;
        this.runs = runs;
        this.batches = batches;
        this.search = search;
        this.history = history;
    }

    // Experiments

    public String createExperiment(MlflowMessages.CreateExperiment request) {
        String name = required(request.name(), "name");
        return alreadyExistsOnConflict(() -> experiments.create(name, null, tagInputs(request.tags()))).id.toString();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public MlflowMessages.Experiment experiment(String experimentId) {
        return experimentView(Experiment.of(experiments.get(experimentIdOf(experimentId))));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public MlflowMessages.Experiment experimentByName(String name) {
        ExperimentEntity experiment = experiments.findByName(required(name, "experiment_name"));
        if (experiment == null) {
            throw new MlflowException(MlflowErrorCode.RESOURCE_DOES_NOT_EXIST, "no experiment named '" + name + "'");
        }
        return experimentView(Experiment.of(experiment));
    }

    /**
     * Experiments newest first. The filter may only name experiments: {@code name = '...'} or
     * {@code name LIKE '%...%'} (case-insensitive, as is {@code ILIKE}).
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public MlflowMessages.SearchExperimentsResponse searchExperiments(MlflowMessages.SearchExperiments request) {
        if (request.orderBy() != null && !request.orderBy().isEmpty()) {
            throw invalid("order_by is not supported for experiments: they are listed newest first");
        }
        ViewType view = ViewType.of(request.viewType());
        String filter = request.filter() == null ? "" : request.filter().strip();
        String nameContains = null;
        if (!filter.isEmpty()) {
            Matcher matcher = NAME_FILTER.matcher(filter);
            if (!matcher.matches()) {
                throw invalid("Lodestar filters experiments by name only: name = '...' or name LIKE '%...%'");
            }
            String value = matcher.group(3);
            if (matcher.group(1).equals("=")) {
                ExperimentEntity found = experiments.findByName(value);
                List<MlflowMessages.Experiment> listed = found == null || !view.includes(found.lifecycle)
                        ? List.of() : List.of(experimentView(Experiment.of(found)));
                return new MlflowMessages.SearchExperimentsResponse(listed, null);
            }
            nameContains = containsPattern(value);
        }
        ExperimentConnection page = experiments.page(page(request.maxResults(), request.pageToken()), nameContains,
                view != ViewType.ACTIVE_ONLY);
        List<Experiment> listed = page.getEdges().stream().map(ExperimentConnection.ExperimentEdge::node)
                .filter(e -> view.includes(e.archived() ? ExperimentEntity.Lifecycle.ARCHIVED : ExperimentEntity.Lifecycle.ACTIVE))
                .toList();
        Map<Long, List<Tag>> tags = experiments.tagsOf(listed.stream().map(e -> Long.parseLong(e.id())).toList());
        return new MlflowMessages.SearchExperimentsResponse(
                listed.stream().map(e -> experimentView(e, tags.getOrDefault(Long.parseLong(e.id()), List.of()))).toList(),
                page.getPageInfo().hasNextPage() ? page.getPageInfo().endCursor() : null);
    }

    public void renameExperiment(MlflowMessages.UpdateExperiment request) {
        long id = experimentIdOf(request.experimentId());
        String name = required(request.newName(), "new_name");
        alreadyExistsOnConflict(() -> experiments.rename(id, name));
    }

    /** MLflow's delete: Lodestar archives the experiment, which keeps it and its runs restorable. */
    public void deleteExperiment(String experimentId) {
        experiments.archive(experimentIdOf(experimentId));
    }

    public void restoreExperiment(String experimentId) {
        experiments.restore(experimentIdOf(experimentId));
    }

    public void setExperimentTag(MlflowMessages.SetExperimentTag request) {
        experiments.setTag(experimentIdOf(request.experimentId()), required(request.key(), "key"), request.value());
    }

    // Runs

    public MlflowMessages.Run createRun(MlflowMessages.CreateRun request) {
        long experiment = experimentIdOf(request.experimentId());
        List<TagInput> tags = tagInputs(request.tags());
        String name = request.runName();
        String parent = null;
        for (TagInput tag : tags) {
            if (RUN_NAME_TAG.equals(tag.key()) && (name == null || name.isBlank())) {
                name = tag.value();
            } else if (PARENT_RUN_TAG.equals(tag.key())) {
                parent = tag.value();
            }
        }
        return runView(runs.create(experiment, name, parent, tags));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public MlflowMessages.Run run(String runId, String runUuid) {
        return runView(runs.get(runIdOf(runId, runUuid)));
    }

    public MlflowMessages.RunInfo updateRun(MlflowMessages.UpdateRun request) {
        String runId = runIdOf(request.runId(), request.runUuid());
        RunStatus status = request.status() == null ? runs.get(runId).status : status(request.status());
        RunEntity run = runs.update(runId, status, request.runName(),
                request.endTime() == null ? null : instant(request.endTime(), "end_time"));
        return runInfo(Run.of(run), run.lifecycle);
    }

    public void deleteRun(String runId, String runUuid) {
        runs.delete(runIdOf(runId, runUuid));
    }

    public void restoreRun(String runId, String runUuid) {
        runs.restore(runIdOf(runId, runUuid));
    }

    public void logMetric(MlflowMessages.LogMetric request, String idempotencyKey) {
        String runId = runIdOf(request.runId(), request.runUuid());
        batches.logBatch(runId, idempotencyKey, List.of(metricInput(new MlflowMessages.Metric(request.key(), request.value(),
                request.timestamp(), request.step()))), null, null);
    }

    public void logParam(MlflowMessages.RunKeyValue request, String idempotencyKey) {
        String runId = runIdOf(request.runId(), request.runUuid());
        batches.logBatch(runId, idempotencyKey, null, List.of(new ParamInput(required(request.key(), "key"), request.value())),
                null);
    }

    public void setTag(MlflowMessages.RunKeyValue request) {
        runs.setTag(runIdOf(request.runId(), request.runUuid()), required(request.key(), "key"), request.value());
    }

    public void deleteTag(MlflowMessages.DeleteRunTag request) {
        runs.deleteTag(runIdOf(request.runId(), null), required(request.key(), "key"));
    }

    public void logBatch(MlflowMessages.LogBatch request, String idempotencyKey) {
        String runId = runIdOf(request.runId(), null);
        List<MetricInput> metrics = request.metrics() == null ? null
                : entries(request.metrics(), "metrics").stream().map(MlflowTracking::metricInput).toList();
        List<ParamInput> params = request.params() == null ? null
                : entries(request.params(), "params").stream().map(p -> new ParamInput(p.key(), p.value())).toList();
        batches.logBatch(runId, idempotencyKey, metrics, params, tagInputs(request.tags()));
    }

    /** {@code runs/search}: MLflow's filter and order_by (Lodestar's filter language is a superset of MLflow's). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public MlflowMessages.SearchRunsResponse searchRuns(MlflowMessages.SearchRuns request) {
        if (request.experimentIds() == null || request.experimentIds().isEmpty()) {
            return new MlflowMessages.SearchRunsResponse(List.of(), null);
        }
        ViewType view = ViewType.of(request.runViewType());
        List<String> orderBy = request.orderBy() == null ? null
                : entries(request.orderBy(), "order_by").stream().map(MlflowTracking::orderTerm).toList();
        RunConnection page = search.search(entries(request.experimentIds(), "experiment_ids"), request.filter(), orderBy,
                page(request.maxResults(), request.pageToken()), view.runLifecycles());
        List<UUID> ids = page.getEdges().stream().map(e -> RunIds.parse(e.node().id())).toList();
        Map<UUID, RunEntity> entities = runs.byIds(ids);
        List<RunEntity> ordered = ids.stream().map(entities::get).toList();
        return new MlflowMessages.SearchRunsResponse(runViews(ordered),
                page.getPageInfo().hasNextPage() ? page.getPageInfo().endCursor() : null);
    }

    /** Every point of a metric in step order, in pages of {@code max_results} when a client asks for pages. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public MlflowMessages.MetricHistoryResponse metricHistory(MlflowMessages.GetMetricHistory request) {
        RunEntity run = runs.get(runIdOf(request.runId(), request.runUuid()));
        String key = required(request.metricKey(), "metric_key");
        List<MlflowMessages.Metric> points = history.of(run.id, key, null).stream().map(MlflowTracking::metric).toList();
        String after = Cursors.decode(HISTORY_CURSOR, blankToNull(request.pageToken()));
        int from;
        try {
            from = after == null ? 0 : Integer.parseInt(after);
        } catch (NumberFormatException e) {
            throw invalid("page_token: not a token of this history");
        }
        if (request.maxResults() != null && request.maxResults() < 1) {
            throw invalid("max_results must be at least 1, got " + request.maxResults());
        }
        int to = request.maxResults() == null ? points.size() : (int) Math.min(points.size(), (long) from + request.maxResults());
        from = Math.min(from, points.size());
        return new MlflowMessages.MetricHistoryResponse(points.subList(from, to),
                to < points.size() ? Cursors.encode(HISTORY_CURSOR, Integer.toString(to)) : null);
    }

    // Views

    private MlflowMessages.Experiment experimentView(Experiment experiment) {
        long id = Long.parseLong(experiment.id());
        return experimentView(experiment, experiments.tagsOf(List.of(id)).getOrDefault(id, List.of()));
    }

    private static MlflowMessages.Experiment experimentView(Experiment experiment, List<Tag> tags) {
        return new MlflowMessages.Experiment(experiment.id(), experiment.name(),
                ARTIFACT_SCHEME + "/experiments/" + experiment.id(), experiment.archived() ? "deleted" : "active",
                experiment.updatedAt().toEpochMilli(), experiment.createdAt().toEpochMilli(),
                tags.stream().map(t -> new KeyValue(t.key(), t.value())).toList());
    }

    private MlflowMessages.Run runView(RunEntity run) {
        return runViews(List.of(run)).get(0);
    }

    /** Runs with their params, tags and latest metrics: three queries, however many runs. */
    private List<MlflowMessages.Run> runViews(List<RunEntity> entities) {
        List<UUID> ids = entities.stream().map(r -> r.id).toList();
        Map<UUID, List<Param>> params = runs.paramsOf(ids);
        Map<UUID, List<Tag>> tags = runs.tagsOf(ids);
        Map<UUID, List<dev.lodestar.experiments.Metric>> metrics = runs.latestMetricsOf(ids);
        List<MlflowMessages.Run> views = new ArrayList<>(entities.size());
        for (RunEntity entity : entities) {
            views.add(new MlflowMessages.Run(runInfo(Run.of(entity), entity.lifecycle),
                    new MlflowMessages.RunData(
                            metrics.getOrDefault(entity.id, List.of()).stream().map(MlflowTracking::metric).toList(),
                            params.getOrDefault(entity.id, List.of()).stream().map(p -> new KeyValue(p.key(), p.value())).toList(),
                            tags.getOrDefault(entity.id, List.of()).stream().map(t -> new KeyValue(t.key(), t.value())).toList()),
                    Map.of()));
        }
        return views;
    }

    private static MlflowMessages.RunInfo runInfo(Run run, RunEntity.Lifecycle lifecycle) {
        return new MlflowMessages.RunInfo(run.id(), run.id(), run.name(), run.experimentId(), run.user(),
                run.status().name(), millis(run.startTime()), millis(run.endTime()),
                ARTIFACT_SCHEME + "/runs/" + run.id(), lifecycle == RunEntity.Lifecycle.DELETED ? "deleted" : "active");
    }

    private static MlflowMessages.Metric metric(dev.lodestar.experiments.Metric metric) {
        return new MlflowMessages.Metric(metric.key(), metric.value(), metric.timestamp().toEpochMilli(), (long) metric.step());
    }

    // Conversions and checks

    private static final long EARLIEST_MILLIS = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    private static final long LATEST_MILLIS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private static MetricInput metricInput(MlflowMessages.Metric metric) {
        if (metric.value() == null) {
            throw invalid("metric '" + metric.key() + "' has no value");
        }
        long step = metric.step() == null ? 0 : metric.step();
        if (step != (int) step) {
            throw invalid("metric '" + metric.key() + "': step " + step + " is outside the 32-bit range Lodestar stores");
        }
        return new MetricInput(metric.key(), metric.value(), (int) step,
                metric.timestamp() == null ? null : instant(metric.timestamp(), "metric '" + metric.key() + "': timestamp"));
    }

    /** Milliseconds since the epoch as an instant, refused outside the years 1 to 9999 (beyond what is stored). */
    private static Instant instant(long epochMillis, String what) {
        if (epochMillis < EARLIEST_MILLIS || epochMillis > LATEST_MILLIS) {
            throw invalid(what + " " + epochMillis + " is not a time between the years 1 and 9999 in milliseconds");
        }
        return Instant.ofEpochMilli(epochMillis);
    }

    /** The entries of a list field, refusing null ones ({@code [null]} in JSON). */
    private static <T> List<T> entries(List<T> list, String field) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw invalid(field + "[" + i + "] is null");
            }
        }
        return list;
    }

    private static List<TagInput> tagInputs(List<KeyValue> tags) {
        return tags == null ? List.of() : entries(tags, "tags").stream().map(t -> new TagInput(t.key(), t.value())).toList();
    }

    private static RunStatus status(String status) {
        try {
            return RunStatus.valueOf(status.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("invalid run status '" + status + "'; Lodestar runs are RUNNING, FINISHED, FAILED or KILLED");
        }
    }

    /** MLflow lets attributes go without their prefix in order_by ({@code start_time DESC}). */
    private static String orderTerm(String term) {
        String field = term.strip().split("\\s+", 2)[0];
        return field.contains(".") || field.startsWith("`") || field.startsWith("\"") ? term : "attributes." + term.strip();
    }

    private static Page page(Long maxResults, String pageToken) {
        long size = maxResults == null ? DEFAULT_MAX_RESULTS : maxResults;
        if (size < 1) {
            throw invalid("max_results must be at least 1, got " + size);
        }
        return Page.of((int) Math.min(size, Page.MAX_FIRST), blankToNull(pageToken));
    }

    private static String containsPattern(String like) {
        if (like.length() < 2 || !like.startsWith("%") || !like.endsWith("%") || like.substring(1, like.length() - 1).contains("%")) {
            throw invalid("Lodestar matches names by a part of them: name LIKE '%part%'");
        }
        return like.substring(1, like.length() - 1);
    }

    static long experimentIdOf(String id) {
        String checked = required(id, "experiment_id");
        try {
            return Long.parseLong(checked.strip());
        } catch (NumberFormatException e) {
            throw new MlflowException(MlflowErrorCode.RESOURCE_DOES_NOT_EXIST, "no experiment with id '" + id + "'");
        }
    }

    /** The run id a client gave ({@code run_id}, else {@code run_uuid}); a malformed one names no run. */
    static String runIdOf(String runId, String runUuid) {
        String id = runId != null && !runId.isBlank() ? runId : runUuid;
        required(id, "run_id");
        try {
            RunIds.parse(id);
        } catch (ApiException e) {
            throw new MlflowException(MlflowErrorCode.RESOURCE_DOES_NOT_EXIST, "no run with id '" + id + "'");
        }
        return id;
    }

    static String required(String value, String parameter) {
        if (value == null || value.isBlank()) {
            throw invalid("missing value for required parameter '" + parameter + "'");
        }
        return value;
    }

    static MlflowException invalid(String message) {
        return new MlflowException(MlflowErrorCode.INVALID_PARAMETER_VALUE, message);
    }

    /** Runs a creation or rename whose only conflict is a name already taken: MLflow's RESOURCE_ALREADY_EXISTS. */
    static <T> T alreadyExistsOnConflict(Supplier<T> change) {
        try {
            return change.get();
        } catch (ApiException e) {
            if (e.code() == ErrorCode.CONFLICT) {
                throw new MlflowException(MlflowErrorCode.RESOURCE_ALREADY_EXISTS, e.getMessage());
            }
            throw e;
        }
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** MLflow's view types: which lifecycles a search covers. */
    enum ViewType {
        ACTIVE_ONLY, DELETED_ONLY, ALL;

        static ViewType of(String name) {
            if (name == null || name.isBlank()) {
                return ACTIVE_ONLY;
            }
            try {
                return valueOf(name.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid("invalid view type '" + name + "'; view types are ACTIVE_ONLY, DELETED_ONLY and ALL");
            }
        }

        boolean includes(ExperimentEntity.Lifecycle lifecycle) {
            return this == ALL || (this == ACTIVE_ONLY) == (lifecycle == ExperimentEntity.Lifecycle.ACTIVE);
        }

        Set<RunEntity.Lifecycle> runLifecycles() {
            return switch (this) {
                case ACTIVE_ONLY -> Set.of(RunEntity.Lifecycle.ACTIVE);
                case DELETED_ONLY -> Set.of(RunEntity.Lifecycle.DELETED);
                case ALL -> Set.of(RunEntity.Lifecycle.ACTIVE, RunEntity.Lifecycle.DELETED);
            };
        }
    }
}
