package dev.lodestar.drift;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The drift tables read for reports, in a few set-based queries per report: the deployment's history, the
 * windows of a period, reference profiles and the aggregated outcomes. Writes live with the services that own
 * them ({@link WindowIntake}, {@link Feedback}, {@link ReferenceProfiles}).
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class DriftStore {

    private final EntityManager entityManager;

    DriftStore(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * A period of a deployment's history: from {@code at}, {@code version} of model {@code modelId} was primary and
     * {@code shadowVersion} (or none) its shadow.
     */
    record Served(Instant at, long modelId, int version, Integer shadowVersion) {

        /** Whether a version's traffic in this period was mirrored traffic, which the callers' traffic already counts. */
        boolean mirrored(int version) {
            return shadowVersion != null && shadowVersion == version;
        }
    }

    /** A stored window row. */
    record StoredWindow(String replicaId, String incarnation, int version, Instant start, Instant end, long rows, long dropped,
            byte[] features, byte[] predictions) {
    }

    /** A stored reference profile. */
    record StoredReference(long modelId, int version, UUID datasetId, long rows, long predictionRows, byte[] features,
            byte[] predictions, String source, String createdBy, Instant createdAt) {
    }

    /** Outcomes of classification answers: how many predictions said {@code predicted} when it was {@code actual}. */
    record Confusion(Instant window, int version, String predicted, String actual, long count) {
    }

    /** Outcomes of regression answers, summed: count, squared and absolute errors. */
    record Errors(Instant window, int version, long count, double squared, double absolute) {
    }

    /**
     * The deployment's history, oldest first, each change that left a primary version (a deletion leaves none).
     * Empty for a deployment that never existed.
     */
    List<Served> history(String deployment) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("select at, model_id, primary_version, shadow_version from deployment_history"
                + " where deployment_name = :d order by at, id").setParameter("d", deployment).getResultList();
        List<Served> history = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            if (row[2] != null) {
                history.add(new Served(instant(row[0]), ((Number) row[1]).longValue(), ((Number) row[2]).intValue(),
                        row[3] == null ? null : ((Number) row[3]).intValue()));
            }
        }
        return history;
    }

    /** True when the deployment has any history at all (it exists, or existed). */
    boolean known(String deployment) {
        return !entityManager.createNativeQuery("select 1 from deployment_history where deployment_name = :d limit 1")
                .setParameter("d", deployment).getResultList().isEmpty();
    }

    /** The windows of a deployment overlapping {@code [from, to)}, by start. */
    List<StoredWindow> windows(String deployment, Instant from, Instant to) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("select replica_id, incarnation, version, window_start, window_end,"
                + " rows, dropped, features, predictions from drift_window where deployment_name = :d and window_start < :to"
                + " and window_end > :from order by window_start, replica_id, incarnation, version")
                .setParameter("d", deployment).setParameter("from", from).setParameter("to", to).getResultList();
        List<StoredWindow> windows = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            windows.add(new StoredWindow((String) row[0], (String) row[1], ((Number) row[2]).intValue(), instant(row[3]),
                    instant(row[4]), ((Number) row[5]).longValue(), ((Number) row[6]).longValue(), (byte[]) row[7],
                    (byte[]) row[8]));
        }
        return windows;
    }

    /** The latest window start of each of several deployments, with every replica's row of that window. */
    Map<String, List<StoredWindow>> latestWindows(List<String> deployments) {
        Map<String, List<StoredWindow>> latest = new TreeMap<>();
        if (deployments.isEmpty()) {
            return latest;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("select w.deployment_name, w.replica_id, w.incarnation, w.version,"
                + " w.window_start, w.window_end, w.rows, w.dropped, w.features, w.predictions from drift_window w"
                + " join (select deployment_name, max(window_start) as latest from drift_window"
                + " where deployment_name in (:d) group by deployment_name) m"
                + " on m.deployment_name = w.deployment_name and m.latest = w.window_start")
                .setParameter("d", deployments).getResultList();
        for (Object[] row : rows) {
            latest.computeIfAbsent((String) row[0], k -> new ArrayList<>()).add(new StoredWindow((String) row[1], (String) row[2],
                    ((Number) row[3]).intValue(), instant(row[4]), instant(row[5]), ((Number) row[6]).longValue(),
                    ((Number) row[7]).longValue(), (byte[]) row[8], (byte[]) row[9]));
        }
        return latest;
    }

    /** The reference profile of a version, or null. */
    StoredReference reference(long modelId, int version) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("select dataset_id, rows, prediction_rows, features, predictions,"
                + " source, created_by, created_at from reference_profile where model_id = :m and version = :v")
                .setParameter("m", modelId).setParameter("v", version).getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        Object[] row = rows.get(0);
        return new StoredReference(modelId, version, (UUID) row[0], ((Number) row[1]).longValue(), ((Number) row[2]).longValue(),
                (byte[]) row[3], (byte[]) row[4], (String) row[5], (String) row[6], instant(row[7]));
    }

    /** The stored drift settings of a model as JSON, or null for the defaults. */
    String settings(long modelId) {
        @SuppressWarnings("unchecked")
        List<Object> rows = entityManager.createNativeQuery("select cast(settings as text) from drift_settings where model_id = :m")
                .setParameter("m", modelId).getResultList();
        return rows.isEmpty() ? null : (String) rows.get(0);
    }

    /** The latest value of each metric of the run that produced a version. */
    Map<String, Double> trainingMetrics(long modelId, int version) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("select m.key, m.value from latest_metric m join model_version v"
                + " on v.run_id = m.run_id where v.model_id = :m and v.version = :v")
                .setParameter("m", modelId).setParameter("v", version).getResultList();
        Map<String, Double> metrics = new TreeMap<>();
        rows.forEach(row -> metrics.put((String) row[0], ((Number) row[1]).doubleValue()));
        return metrics;
    }

    /**
     * Classification outcomes of predictions made in {@code [from, to)}, counted per window of the deployment
     * ({@code window} null when {@code perWindow} is false: the whole period).
     */
    List<Confusion> confusion(String deployment, Instant from, Instant to, boolean perWindow) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(perWindow
                ? "select w.window_start, f.version, f.predicted, f.actual, count(*) from prediction_feedback f"
                        + " join (select distinct window_start, window_end from drift_window where deployment_name = :d"
                        + " and window_start < :to and window_end > :from) w"
                        + " on f.predicted_at >= w.window_start and f.predicted_at < w.window_end"
                        + " where f.deployment_name = :d and f.predicted_at >= :from and f.predicted_at < :to"
                        + " and f.answer_kind = 'LABEL' group by 1, 2, 3, 4"
                : "select null, f.version, f.predicted, f.actual, count(*) from prediction_feedback f"
                        + " where f.deployment_name = :d and f.predicted_at >= :from and f.predicted_at < :to"
                        + " and f.answer_kind = 'LABEL' group by 2, 3, 4")
                .setParameter("d", deployment).setParameter("from", from).setParameter("to", to).getResultList();
        List<Confusion> counts = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            counts.add(new Confusion(row[0] == null ? null : instant(row[0]), ((Number) row[1]).intValue(), (String) row[2],
                    (String) row[3], ((Number) row[4]).longValue()));
        }
        return counts;
    }

    /** Regression outcomes of predictions made in {@code [from, to)}, summed per window (or for the whole period). */
    List<Errors> errors(String deployment, Instant from, Instant to, boolean perWindow) {
        String error = "(cast(f.predicted as double precision) - cast(f.actual as double precision))";
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(perWindow
                ? "select w.window_start, f.version, count(*), sum(" + error + " * " + error + "), sum(abs(" + error + "))"
                        + " from prediction_feedback f"
                        + " join (select distinct window_start, window_end from drift_window where deployment_name = :d"
                        + " and window_start < :to and window_end > :from) w"
                        + " on f.predicted_at >= w.window_start and f.predicted_at < w.window_end"
                        + " where f.deployment_name = :d and f.predicted_at >= :from and f.predicted_at < :to"
                        + " and f.answer_kind = 'VALUE' group by 1, 2"
                : "select null, f.version, count(*), sum(" + error + " * " + error + "), sum(abs(" + error + "))"
                        + " from prediction_feedback f where f.deployment_name = :d and f.predicted_at >= :from"
                        + " and f.predicted_at < :to and f.answer_kind = 'VALUE' group by 2")
                .setParameter("d", deployment).setParameter("from", from).setParameter("to", to).getResultList();
        List<Errors> sums = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            sums.add(new Errors(row[0] == null ? null : instant(row[0]), ((Number) row[1]).intValue(), ((Number) row[2]).longValue(),
                    ((Number) row[3]).doubleValue(), ((Number) row[4]).doubleValue()));
        }
        return sums;
    }

    /** A timestamp column as an Instant, whichever Java type the driver chose. */
    static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        throw new IllegalStateException("not a timestamp: " + value);
    }
}
