package dev.lodestar.experiments;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.experiments.model.RunEntity;
import dev.lodestar.graphql.ApiException;

/**
 * {@code logBatch}: writes up to 1,000 metric points, 100 params and 100 tags to a run, all or nothing.
 *
 * <p>This is the ingest hot path, so it talks to PostgreSQL directly on the transaction's connection: metric
 * points go in with {@code COPY}, the latest point of each series is kept with one upsert that only moves
 * forward (higher step, then later time, then higher value, as MLflow orders them), and params and tags are
 * array statements. Keys are written in sorted order so concurrent batches on one run lock rows in the same
 * order and cannot deadlock.
 *
 * <p>A batch may carry an idempotency key of the client's choosing: sent again under a key its run already
 * holds (a retry after an answer was lost), it is acknowledged and nothing is written or audited a second time.
 * The key is claimed in the batch's own transaction, so a batch that failed leaves its key free for the retry.
 *
 * <p>A param logged again with the same value is accepted; with another value the whole batch is refused
 * with {@code CONFLICT}. The check runs after the insert, in a statement of its own, so it also sees a value
 * another transaction committed a moment before.
 */
@ApplicationScoped
public class RunBatchWriter {

    private final EntityManager entityManager;
    private final RunService runs;
    private final AuditLog audit;

    RunBatchWriter(EntityManager entityManager, RunService runs, AuditLog audit) {
        this.entityManager = entityManager;
        this.runs = runs;
        this.audit = audit;
    }

    /** The longest idempotency key a batch may carry. */
    static final int MAX_IDEMPOTENCY_KEY = 255;

    /**
     * Writes one batch to a run, all or nothing, and audits it.
     *
     * @param idempotencyKey null, or the client's key for this batch: a batch whose key the run already holds is
     *                       acknowledged without being written again
     */
    @Transactional
    public RunEntity logBatch(String runId, String idempotencyKey, List<MetricInput> metrics, List<ParamInput> params,
            List<TagInput> tags) {
        UUID id = RunIds.parse(runId);
        checkIdempotencyKey(idempotencyKey);
        Batch batch = Batch.of(metrics, params, tags, Instant.now());
        RunEntity run = runs.writable(id);
        Map<String, String> tagsBefore = new TreeMap<>();
        boolean[] repeated = {false};
        entityManager.unwrap(Session.class).doWork(connection -> {
            if (idempotencyKey != null && !claim(connection, id, idempotencyKey)) {
                repeated[0] = true;
                return;
            }
            writeParams(connection, id, batch.params());
            tagsBefore.putAll(writeTags(connection, id, batch.tags()));
            writeMetrics(connection, id, batch.points());
            writeLatest(connection, id, batch.latest());
        });
        if (repeated[0]) {
            return run;
        }
        audit.record(AuditAction.RUN_LOGGED, RunIds.format(id),
                tagsBefore.isEmpty() ? null : Map.of("tags", tagsBefore),
                AuditLog.fields("params", batch.params(), "tags", batch.tags(),
                        "metrics", Map.of("points", batch.points().size(), "keys", batch.latest().keySet())));
        return run;
    }

    /** A validated batch: params and tags by key in sorted order, points in order, latest point per key. */
    record Batch(Map<String, String> params, Map<String, String> tags, List<Point> points, Map<String, Point> latest) {

        static Batch of(List<MetricInput> metrics, List<ParamInput> params, List<TagInput> tags, Instant now) {
            int metricCount = metrics == null ? 0 : metrics.size();
            int paramCount = params == null ? 0 : params.size();
            int tagCount = tags == null ? 0 : tags.size();
            if (metricCount > TrackingRules.MAX_METRICS_PER_BATCH || paramCount > TrackingRules.MAX_PARAMS_PER_BATCH
                    || tagCount > TrackingRules.MAX_TAGS_PER_BATCH) {
                throw ApiException.invalid("a batch holds at most " + TrackingRules.MAX_METRICS_PER_BATCH + " metrics, "
                        + TrackingRules.MAX_PARAMS_PER_BATCH + " params and " + TrackingRules.MAX_TAGS_PER_BATCH
                        + " tags; got " + metricCount + ", " + paramCount + " and " + tagCount);
            }
            Map<String, String> checkedParams = new TreeMap<>();
            for (int i = 0; i < paramCount; i++) {
                ParamInput param = params.get(i);
                String key = TrackingRules.key("param", param.key());
                String value = TrackingRules.paramValue(key, param.value());
                String earlier = checkedParams.put(key, value);
                if (earlier != null && !earlier.equals(value)) {
                    throw ApiException.invalid("param '" + key + "' is given twice with different values");
                }
            }
            Map<String, String> checkedTags = new TreeMap<>();
            for (int i = 0; i < tagCount; i++) {
                TagInput tag = tags.get(i);
                String key = TrackingRules.key("tag", tag.key());
                checkedTags.put(key, TrackingRules.tagValue(key, tag.value()));
            }
            List<Point> points = new ArrayList<>(metricCount);
            Map<String, Point> latest = new TreeMap<>();
            Map<String, String> checkedKeys = new HashMap<>();
            for (int i = 0; i < metricCount; i++) {
                MetricInput metric = metrics.get(i);
                String key = checkedKeys.computeIfAbsent(metric.key(), k -> TrackingRules.key("metric", k));
                if (!Double.isFinite(metric.value())) {
                    throw ApiException.invalid("metric '" + key + "' has a value that is not a finite number");
                }
                Point point = new Point(key, metric.step() == null ? 0 : metric.step(),
                        metric.timestamp() == null ? now : metric.timestamp(), metric.value());
                points.add(point);
                latest.merge(key, point, (a, b) -> a.isLaterThan(b) ? a : b);
            }
            return new Batch(checkedParams, checkedTags, points, latest);
        }
    }

    /** One metric point. */
    record Point(String key, long step, Instant timestamp, double value) {

        /** MLflow's order of points: step, then time, then value. */
        boolean isLaterThan(Point other) {
            int byStep = Long.compare(step, other.step);
            if (byStep != 0) {
                return byStep > 0;
            }
            int byTime = timestamp.compareTo(other.timestamp);
            return byTime != 0 ? byTime > 0 : Double.compare(value, other.value) > 0;
        }
    }

    private static void checkIdempotencyKey(String key) {
        if (key != null && (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY
                || key.chars().anyMatch(Character::isISOControl))) {
            throw ApiException.invalid("an idempotency key must be 1 to " + MAX_IDEMPOTENCY_KEY
                    + " characters without control characters");
        }
    }

    /**
     * Claims {@code key} for a batch of {@code runId}; false when the run already holds it. A claim another
     * transaction has made but not committed makes this one wait for its outcome.
     */
    private static boolean claim(Connection connection, UUID runId, String key) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into run_batch_key (run_id, key) values (?, ?) on conflict do nothing")) {
            insert.setObject(1, runId);
            insert.setString(2, key);
            return insert.executeUpdate() == 1;
        }
    }

    private static void writeParams(Connection connection, UUID runId, Map<String, String> params) throws SQLException {
        if (params.isEmpty()) {
            return;
        }
        String[] keys = params.keySet().toArray(String[]::new);
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into run_param (run_id, key, value) select ?, k, v from unnest(?::text[], ?::text[]) as p(k, v)"
                        + " on conflict (run_id, key) do nothing")) {
            insert.setObject(1, runId);
            insert.setArray(2, connection.createArrayOf("text", keys));
            insert.setArray(3, connection.createArrayOf("text", params.values().toArray()));
            insert.executeUpdate();
        }
        try (PreparedStatement stored = connection.prepareStatement(
                "select key, value from run_param where run_id = ? and key = any(?::text[]) order by key")) {
            stored.setObject(1, runId);
            stored.setArray(2, connection.createArrayOf("text", keys));
            try (ResultSet rows = stored.executeQuery()) {
                while (rows.next()) {
                    String key = rows.getString(1);
                    if (!rows.getString(2).equals(params.get(key))) {
                        throw ApiException.conflict("param '" + key + "' was already logged as '" + abbreviate(rows.getString(2))
                                + "'; params cannot change (this batch has '" + abbreviate(params.get(key)) + "')");
                    }
                }
            }
        }
    }

    /** Upserts tags; returns the values the changed keys had before. */
    private static Map<String, String> writeTags(Connection connection, UUID runId, Map<String, String> tags) throws SQLException {
        Map<String, String> before = new TreeMap<>();
        if (tags.isEmpty()) {
            return before;
        }
        String[] keys = tags.keySet().toArray(String[]::new);
        try (PreparedStatement select = connection.prepareStatement(
                "select key, value from run_tag where run_id = ? and key = any(?::text[])")) {
            select.setObject(1, runId);
            select.setArray(2, connection.createArrayOf("text", keys));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (!rows.getString(2).equals(tags.get(rows.getString(1)))) {
                        before.put(rows.getString(1), rows.getString(2));
                    }
                }
            }
        }
        try (PreparedStatement upsert = connection.prepareStatement(
                "insert into run_tag (run_id, key, value) select ?, k, v from unnest(?::text[], ?::text[]) as t(k, v)"
                        + " on conflict (run_id, key) do update set value = excluded.value")) {
            upsert.setObject(1, runId);
            upsert.setArray(2, connection.createArrayOf("text", keys));
            upsert.setArray(3, connection.createArrayOf("text", tags.values().toArray()));
            upsert.executeUpdate();
        }
        return before;
    }

    private static void writeMetrics(Connection connection, UUID runId, List<Point> points) throws SQLException {
        if (points.isEmpty()) {
            return;
        }
        // Keys are restricted to characters that need no escaping in COPY's text format.
        String run = runId.toString();
        StringBuilder rows = new StringBuilder(points.size() * 64);
        for (Point point : points) {
            rows.append(run).append('\t').append(point.key()).append('\t').append(point.step()).append('\t')
                    .append(point.timestamp()).append('\t').append(point.value()).append('\n');
        }
        byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("copy metric (run_id, key, step, ts, value) from stdin");
        try {
            copy.writeToCopy(bytes, 0, bytes.length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void writeLatest(Connection connection, UUID runId, Map<String, Point> latest) throws SQLException {
        if (latest.isEmpty()) {
            return;
        }
        int n = latest.size();
        String[] keys = new String[n];
        Long[] steps = new Long[n];
        String[] times = new String[n];
        Double[] values = new Double[n];
        int i = 0;
        for (Point point : latest.values()) {
            keys[i] = point.key();
            steps[i] = point.step();
            times[i] = point.timestamp().toString();
            values[i] = point.value();
            i++;
        }
        try (PreparedStatement upsert = connection.prepareStatement(
                "insert into latest_metric (run_id, key, step, ts, value)"
                        + " select ?, k, s, t::timestamptz, v from unnest(?::text[], ?::bigint[], ?::text[], ?::float8[]) as m(k, s, t, v)"
                        + " on conflict (run_id, key) do update set step = excluded.step, ts = excluded.ts, value = excluded.value"
                        + " where (excluded.step, excluded.ts, excluded.value) > (latest_metric.step, latest_metric.ts, latest_metric.value)")) {
            upsert.setObject(1, runId);
            upsert.setArray(2, connection.createArrayOf("text", keys));
            upsert.setArray(3, connection.createArrayOf("bigint", steps));
            upsert.setArray(4, connection.createArrayOf("text", times));
            upsert.setArray(5, connection.createArrayOf("float8", values));
            upsert.executeUpdate();
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
