package dev.lodestar.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lodestar.audit.AuditChain;
import dev.lodestar.audit.AuditTrail;
import dev.lodestar.testing.StackClient;

/**
 * {@code ./lodestar bench audit}: what the audit trail costs and how fast its chain verifies.
 *
 * <ul>
 * <li>Append: {@value #MUTATIONS} tag changes through GraphQL on {@value #THREADS} client threads, each one audited.
 * The gateway times every append (serialising the event and inserting it, in the change's transaction) and
 * publishes percentiles on {@code /q/metrics}; the mutations' own latency, seen by the client, and that of a read
 * of the same experiment are the baseline.</li>
 * <li>Verify: {@value #VERIFY_EVENTS} events in a scratch schema ({@value #SCHEMA}) of the stack's database, sealed
 * and verified by the same code the gateway runs: one verification on a cold verifier, then the median of
 * {@value #VERIFY_ROUNDS} more.</li>
 * </ul>
 * Writes {@code bench/audit.json} under the data directory.
 */
public final class AuditBench {

    static final int MUTATIONS = 3_000;
    static final int WARM_UP = 500;
    /** One client: the figure is the latency an append adds to a request, not how requests queue for two cores. */
    static final int THREADS = 1;
    static final int VERIFY_EVENTS = 1_000_000;
    static final int VERIFY_ROUNDS = 3;
    static final String SCHEMA = "bench_audit";

    private static final String SET_TAG = "mutation($id: ID!, $key: String!, $value: String!) {"
            + " setExperimentTag(id: $id, key: $key, value: $value) { id } }";
    private static final String READ = "query($id: ID!) { experiment(id: $id) { id name tags { key value } } }";
    private static final Pattern APPEND_QUANTILE = Pattern.compile(
            "lodestar_audit_append_seconds\\{[^}]*quantile=\"([0-9.]+)\"[^}]*\\}\\s+([0-9.eE+-]+)");

    private final StackClient client;
    private final Path data;

    private AuditBench(Path data) {
        this.data = data;
        this.client = new StackClient(data.resolve("stack.env"), "alice");
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "data").toAbsolutePath().normalize();
        new AuditBench(data).run();
    }

    private void run() throws Exception {
        String experiment = client.graphql("mutation($name: String!) { createExperiment(name: $name) { id } }",
                Map.of("name", "bench-audit-" + System.currentTimeMillis())).path("createExperiment").path("id").asText();
        System.out.printf("Append: %,d audited mutations on %d client threads (after %,d to warm up)%n", MUTATIONS, THREADS, WARM_UP);
        latencies(experiment, SET_TAG, WARM_UP);
        double[] mutations = latencies(experiment, SET_TAG, MUTATIONS);
        Map<String, Double> append = appendQuantiles();
        double[] reads = latencies(experiment, READ, MUTATIONS);

        System.out.printf("Verify: %,d events in schema %s%n", VERIFY_EVENTS, SCHEMA);
        double sealPerSecond;
        List<Double> verifySeconds = new ArrayList<>();
        AuditChain.Verification last;
        String url = client.env("LODESTAR_DB_JDBC_URL") + "?currentSchema=" + SCHEMA + "&reWriteBatchedInserts=true";
        AuditChain.Connections connections = () -> DriverManager.getConnection(url, client.env("LODESTAR_DB_USER"),
                client.env("LODESTAR_DB_PASSWORD"));
        int workers = AuditTrail.VERIFY_WORKERS;
        double firstSeconds;
        double[] inserts;
        try (Connection db = connections.open()) {
            sealPerSecond = prepareChain(db);
            inserts = insertLatencies(db, MUTATIONS);
            long cold = System.nanoTime();
            last = AuditChain.verify(connections, workers);
            firstSeconds = (System.nanoTime() - cold) / 1e9;
            System.out.printf("  first verification (cold): %s, %,d events checked in %.2f s%n", last.ok() ? "intact" : "BROKEN",
                    last.checked(), firstSeconds);
            do {
                long started = System.nanoTime();
                last = AuditChain.verify(connections, workers);
                verifySeconds.add((System.nanoTime() - started) / 1e9);
                System.out.printf("  verification %d: %s, %,d events checked in %.2f s%n", verifySeconds.size(),
                        last.ok() ? "intact" : "BROKEN", last.checked(), verifySeconds.get(verifySeconds.size() - 1));
            } while (verifySeconds.size() < VERIFY_ROUNDS);
        }
        if (!last.ok() || last.checked() != VERIFY_EVENTS) {
            throw new IllegalStateException("the scratch chain did not verify: " + last);
        }

        double insertP50 = Stats.percentile(inserts, 50);
        double insertP99 = Stats.percentile(inserts, 99);
        double appendP50 = append.get("0.5") * 1000;
        double appendP99 = append.get("0.99") * 1000;
        double mutationP50 = Stats.percentile(mutations, 50);
        double mutationP99 = Stats.percentile(mutations, 99);
        double readP50 = Stats.percentile(reads, 50);
        double verifyMedian = Stats.median(verifySeconds);
        System.out.println();
        System.out.printf("%-48s %12s%n", "measure", "value");
        System.out.printf("%-48s %12.3f%n", "audit append p50, ms (in the gateway)", appendP50);
        System.out.printf("%-48s %12.3f%n", "audit append p99, ms (in the gateway)", appendP99);
        System.out.printf("%-48s %12.3f%n", "same row inserted by plain JDBC p50, ms (floor)", insertP50);
        System.out.printf("%-48s %12.3f%n", "same row inserted by plain JDBC p99, ms (floor)", insertP99);
        System.out.printf("%-48s %12.2f%n", "append p99 / floor p99", appendP99 / insertP99);
        System.out.printf("%-48s %12.2f%n", "audited mutation p50, ms (client)", mutationP50);
        System.out.printf("%-48s %12.2f%n", "audited mutation p99, ms (client)", mutationP99);
        System.out.printf("%-48s %12.2f%n", "read of the same experiment p50, ms (client)", readP50);
        System.out.printf("%-48s %12.3f%n", "append p50 / mutation p50", appendP50 / mutationP50);
        if (sealPerSecond > 0) {
            System.out.printf("%-48s %,12.0f%n", "sealing, events/s", sealPerSecond);
        }
        System.out.printf("%-48s %12.2f%n", "verify " + VERIFY_EVENTS / 1000 + "k events, s (first, cold)", firstSeconds);
        System.out.printf("%-48s %12.2f%n", "verify " + VERIFY_EVENTS / 1000 + "k events, s (median)", verifyMedian);
        System.out.printf("%-48s %,12.0f%n", "verify, events/s", VERIFY_EVENTS / verifyMedian);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("append_p99_ms", Stats.round(appendP99, 3));
        figures.put("append_p50_ms", Stats.round(appendP50, 3));
        figures.put("jdbc_insert_p50_ms", Stats.round(insertP50, 3));
        figures.put("jdbc_insert_p99_ms", Stats.round(insertP99, 3));
        figures.put("mutation_p50_ms", Stats.round(mutationP50, 2));
        figures.put("mutation_p99_ms", Stats.round(mutationP99, 2));
        figures.put("read_p50_ms", Stats.round(readP50, 2));
        figures.put("append_mutation_p50_ratio", Stats.round(appendP50 / mutationP50, 3));
        figures.put("mutations", MUTATIONS);
        if (sealPerSecond > 0) {
            figures.put("seal_events_per_s", Math.round(sealPerSecond));
        }
        figures.put("verify_events", VERIFY_EVENTS);
        figures.put("verify_seconds", Stats.round(verifyMedian, 2));
        figures.put("verify_rounds", VERIFY_ROUNDS);
        figures.put("verify_first_seconds", Stats.round(firstSeconds, 2));
        figures.put("verify_workers", workers);
        Path out = data.resolve("bench/audit.json");
        Files.createDirectories(out.getParent());
        StackClient.JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), figures);
        System.out.println();
        System.out.println("Figures written to " + out);
    }

    /** Runs {@code count} calls of {@code document} on the experiment from all threads; returns each call's milliseconds. */
    private double[] latencies(String experiment, String document, int count) throws Exception {
        double[] millis = new double[count];
        Load.parallel(THREADS, thread -> {
            for (int i = thread; i < count; i += THREADS) {
                long started = System.nanoTime();
                client.graphql(document, document.equals(READ) ? Map.of("id", experiment)
                        : Map.of("id", experiment, "key", "k" + (i % 50), "value", "v" + i));
                millis[i] = (System.nanoTime() - started) / 1e6;
            }
        });
        return millis;
    }

    /**
     * The floor for an append: the same kind of row inserted into the scratch schema's audit table (with the same
     * trigger) by plain JDBC from this process, one at a time, each in a transaction that is rolled back; only the
     * insert is timed, in milliseconds.
     */
    private static double[] insertLatencies(Connection db, int count) throws SQLException {
        try (Statement ddl = db.createStatement()) {
            ddl.execute("drop trigger if exists audit_event_queue_for_seal on audit_event");
            ddl.execute("create trigger audit_event_queue_for_seal after insert on audit_event"
                    + " for each row execute function public.audit_event_queue_for_seal()");
        }
        double[] millis = new double[count];
        db.setAutoCommit(false);
        try (PreparedStatement insert = db.prepareStatement("insert into audit_event (at, actor_subject, actor_name, actor_roles,"
                + " action, resource_type, resource_id, before, after, reason, request_id, client_address)"
                + " values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), ?, ?, ?) returning sequence")) {
            for (int i = -WARM_UP; i < count; i++) {
                insert.setTimestamp(1, Timestamp.from(Instant.now()));
                insert.setString(2, "5d2c6a9e-1f0b-4c8e-9a7d-000000000001");
                insert.setString(3, "alice");
                insert.setArray(4, db.createArrayOf("text", new String[] { "data-scientist" }));
                insert.setString(5, "EXPERIMENT_TAG_SET");
                insert.setString(6, "EXPERIMENT");
                insert.setString(7, "42");
                insert.setString(8, "{\"tags\": {\"k" + (i & 31) + "\": \"v" + (i - 1) + "\"}}");
                insert.setString(9, "{\"tags\": {\"k" + (i & 31) + "\": \"v" + i + "\"}}");
                insert.setString(10, null);
                insert.setString(11, "bench-" + i);
                insert.setString(12, "127.0.0.1");
                long started = System.nanoTime();
                try (ResultSet key = insert.executeQuery()) {
                    key.next();
                }
                if (i >= 0) {
                    millis[i] = (System.nanoTime() - started) / 1e6;
                }
                db.rollback();
            }
        } finally {
            db.setAutoCommit(true);
        }
        return millis;
    }

    /** The gateway's current audit append percentiles (seconds), by quantile. */
    private Map<String, Double> appendQuantiles() {
        Map<String, Double> quantiles = new LinkedHashMap<>();
        Matcher match = APPEND_QUANTILE.matcher(client.get("/q/metrics"));
        while (match.find()) {
            quantiles.put(match.group(1), Double.parseDouble(match.group(2)));
        }
        if (!quantiles.containsKey("0.99") || !quantiles.containsKey("0.5")) {
            throw new IllegalStateException("/q/metrics has no lodestar_audit_append_seconds quantiles");
        }
        return quantiles;
    }

    /**
     * Fills the scratch schema up to {@value #VERIFY_EVENTS} sealed events (kept for later runs); returns the
     * sealing rate of this run, or 0 when the chain was already complete.
     */
    private static double prepareChain(Connection db) throws SQLException {
        try (Statement ddl = db.createStatement()) {
            ddl.execute("create schema if not exists " + SCHEMA);
            for (String table : List.of("audit_event", "audit_seal", "audit_unsealed")) {
                ddl.execute("create table if not exists " + SCHEMA + "." + table + " (like public." + table + " including all)");
            }
        }
        long existing = count(db, "select count(*) from audit_event");
        if (existing < VERIFY_EVENTS) {
            System.out.printf("  writing %,d events (once; later runs reuse them)...%n", VERIFY_EVENTS - existing);
            try (PreparedStatement insert = db.prepareStatement("insert into audit_event (at, actor_subject, actor_name, actor_roles,"
                    + " action, resource_type, resource_id, before, after, reason, request_id, client_address)"
                    + " select now() - interval '1 millisecond' * (? - g), '5d2c6a9e-1f0b-4c8e-9a7d-' || lpad((g % 40)::text, 12, '0'),"
                    + " 'user' || (g % 40), array['data-scientist', 'approver'], 'RUN_LOGGED', 'RUN', md5(g::text),"
                    + " case when g % 3 = 0 then null else jsonb_build_object('tags', jsonb_build_object('stage', 'train', 'epoch', g % 100)) end,"
                    + " jsonb_build_object('metrics', 1000, 'params', 3, 'tags', jsonb_build_object('stage', 'eval', 'epoch', g % 100)),"
                    + " case when g % 10 = 0 then 'scheduled retraining' end, md5((g * 7)::text), '10.1.' || (g % 250) || '.' || (g % 200)"
                    + " from generate_series(?, ?) g")) {
                insert.setLong(1, VERIFY_EVENTS);
                insert.setLong(2, existing + 1);
                insert.setLong(3, VERIFY_EVENTS);
                insert.executeUpdate();
            }
        }
        try (Statement queue = db.createStatement()) {
            queue.executeUpdate("insert into audit_unsealed (sequence) select e.sequence from audit_event e where not exists"
                    + " (select 1 from audit_seal s where s.sequence = e.sequence) on conflict do nothing");
        }
        long waiting = count(db, "select count(*) from audit_unsealed");
        if (waiting == 0) {
            return 0;
        }
        System.out.printf("  sealing %,d events...%n", waiting);
        long started = System.nanoTime();
        long sealed = 0;
        int batch;
        do {
            batch = AuditChain.seal(db, 5_000);
            sealed += batch;
        } while (batch > 0);
        return sealed / ((System.nanoTime() - started) / 1e9);
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
