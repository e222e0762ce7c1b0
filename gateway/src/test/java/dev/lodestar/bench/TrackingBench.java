package dev.lodestar.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lodestar.testing.StackClient;

/**
 * {@code ./lodestar bench tracking}: measures experiment tracking against the running stack.
 *
 * <ul>
 * <li>Ingest: 1,000,000 metric points through GraphQL {@code logBatch} (1,000 points a call, several client
 * threads), next to the floor: the same rows inserted into the same table by plain JDBC batches, with the same
 * threads, in the same run. Floor and ingest alternate for {@value #ROUNDS} rounds; medians are reported.</li>
 * <li>Search: {@code searchRuns} over 100,000 runs with 20 metrics and 3 params each, filtering on one metric and
 * one param and returning the first 100 runs with their params and latest metrics; p50 and p95 of sequential
 * calls after {@value #SEARCH_WARM_UP} warm-up calls. The 100,000 runs are created through the API once and reused by later runs of the benchmark.</li>
 * </ul>
 * Prints a table and writes {@code data/bench/tracking.json}. Each figure comes with the command's
 * parameters ({@code -Dthreads=N} changes the client threads, default 8).
 */
public final class TrackingBench {

    static final int ROUNDS = 3;
    static final int INGEST_POINTS = 1_000_000;
    static final int POINTS_PER_CALL = 1_000;
    static final int KEYS_PER_CALL = 10;
    static final int THREADS = Integer.getInteger("threads", 8);
    static final int SEARCH_RUNS = 100_000;
    static final int SEARCH_METRICS = 20;
    static final int SEARCH_QUERIES = 300;
    static final int SEARCH_WARM_UP = 200;
    static final String SEARCH_EXPERIMENT = "bench-search-100k";

    private static final String LOG_BATCH = "mutation($run: ID!, $metrics: [MetricInput!], $params: [ParamInput!]) {"
            + " logBatch(runId: $run, metrics: $metrics, params: $params) { id } }";

    private final StackClient client;
    private final Path data;

    private TrackingBench(Path data) {
        this.data = data;
        this.client = new StackClient(data.resolve("stack.env"), "alice");
    }

    /** Argument: the stack's data folder (default {@code ./data}), where {@code stack.env} is. */
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "data").toAbsolutePath().normalize();
        new TrackingBench(data).run();
    }

    private void run() throws Exception {
        String stamp = Long.toString(System.currentTimeMillis());
        String experiment = createExperiment("bench-ingest-" + stamp);
        List<Double> ingest = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        System.out.printf("Ingest: %,d points per measurement, %,d per call, %d client threads, %d rounds%n",
                INGEST_POINTS, POINTS_PER_CALL, THREADS, ROUNDS);
        ingestThroughGraphql(experiment, POINTS_PER_CALL * 200); // warm-up: JIT, connection pools
        for (int round = 1; round <= ROUNDS; round++) {
            floor.add(ingestThroughJdbc(experiment, INGEST_POINTS));
            ingest.add(ingestThroughGraphql(experiment, INGEST_POINTS));
            System.out.printf("  round %d: JDBC floor %,.0f points/s, logBatch %,.0f points/s%n", round,
                    floor.get(floor.size() - 1), ingest.get(ingest.size() - 1));
        }
        double ingestMedian = Stats.median(ingest);
        double floorMedian = Stats.median(floor);

        String searchExperiment = searchDataset();
        double[] latencies = searchLatencies(searchExperiment);
        double p50 = Stats.percentile(latencies, 50);
        double p95 = Stats.percentile(latencies, 95);

        System.out.println();
        System.out.printf("%-44s %14s%n", "measure", "value");
        System.out.printf("%-44s %,14.0f%n", "logBatch ingest, points/s (median)", ingestMedian);
        System.out.printf("%-44s %,14.0f%n", "plain JDBC batch insert, points/s (median)", floorMedian);
        System.out.printf("%-44s %14.2f%n", "ingest / floor", ingestMedian / floorMedian);
        System.out.printf("%-44s %14.1f%n", "searchRuns p50, ms (" + SEARCH_RUNS / 1000 + "k runs)", p50);
        System.out.printf("%-44s %14.1f%n", "searchRuns p95, ms", p95);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("ingest_points_per_s", Math.round(ingestMedian));
        figures.put("jdbc_floor_points_per_s", Math.round(floorMedian));
        figures.put("ingest_floor_ratio", Stats.round(ingestMedian / floorMedian, 3));
        figures.put("ingest_threads", THREADS);
        figures.put("search_p50_ms", Stats.round(p50, 2));
        figures.put("search_p95_ms", Stats.round(p95, 2));
        figures.put("search_runs", SEARCH_RUNS);
        figures.put("search_queries", SEARCH_QUERIES);
        Path out = data.resolve("bench/tracking.json");
        Files.createDirectories(out.getParent());
        StackClient.JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), figures);
        System.out.println();
        System.out.println("Figures written to " + out);
    }

    /**
     * Logs {@code points} points to fresh runs (one per thread) through {@code logBatch}; returns points per
     * second. Request bodies are built before the clock starts, as a load generator replaying requests would.
     */
    private double ingestThroughGraphql(String experiment, int points) throws Exception {
        int calls = points / POINTS_PER_CALL;
        List<List<String>> bodies = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String run = createRun(experiment);
            List<String> ofThread = new ArrayList<>();
            for (int call = t; call < calls; call += THREADS) {
                ofThread.add(logBatchBody(run, call));
            }
            bodies.add(ofThread);
        }
        long started = System.nanoTime();
        Load.parallel(THREADS, thread -> {
            for (String body : bodies.get(thread)) {
                client.graphql(body);
            }
        });
        return points / ((System.nanoTime() - started) / 1e9);
    }

    /** Inserts the same rows as {@link #ingestThroughGraphql} with plain JDBC batches; returns points per second. */
    private double ingestThroughJdbc(String experiment, int points) throws Exception {
        int calls = points / POINTS_PER_CALL;
        List<UUID> runs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            runs.add(uuid(createRun(experiment)));
        }
        long started = System.nanoTime();
        Load.parallel(THREADS, thread -> {
            try (Connection connection = DriverManager.getConnection(client.env("LODESTAR_DB_JDBC_URL")
                    + "?reWriteBatchedInserts=true", client.env("LODESTAR_DB_USER"), client.env("LODESTAR_DB_PASSWORD"));
                    PreparedStatement insert = connection.prepareStatement(
                            "insert into metric (run_id, key, step, ts, value) values (?, ?, ?, ?, ?)")) {
                connection.setAutoCommit(false);
                UUID run = runs.get(thread);
                for (int call = thread; call < calls; call += THREADS) {
                    Timestamp now = Timestamp.from(Instant.now());
                    for (int i = 0; i < POINTS_PER_CALL; i++) {
                        insert.setObject(1, run);
                        insert.setString(2, "metric_" + (i % KEYS_PER_CALL));
                        insert.setLong(3, (long) call * (POINTS_PER_CALL / KEYS_PER_CALL) + i / KEYS_PER_CALL);
                        insert.setTimestamp(4, now);
                        insert.setDouble(5, value(call, i));
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    connection.commit();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        return points / ((System.nanoTime() - started) / 1e9);
    }

    private static String logBatchBody(String run, int call) {
        StringBuilder body = new StringBuilder(POINTS_PER_CALL * 60);
        body.append("{\"query\":\"").append(LOG_BATCH.replace("\"", "\\\"")).append("\",\"variables\":{\"run\":\"")
                .append(run).append("\",\"metrics\":[");
        for (int i = 0; i < POINTS_PER_CALL; i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"key\":\"metric_").append(i % KEYS_PER_CALL).append("\",\"value\":")
                    .append(value(call, i)).append(",\"step\":")
                    .append(call * (POINTS_PER_CALL / KEYS_PER_CALL) + i / KEYS_PER_CALL).append('}');
        }
        return body.append("]}}").toString();
    }

    private static double value(int call, int i) {
        return Math.sin(call * 0.01 + i * 0.001);
    }

    /** The 100,000-run experiment of the search benchmark, created through the API if it is not there yet. */
    private String searchDataset() throws Exception {
        JsonNode found = client.graphql("query($name: String) { experiments(nameContains: $name, first: 1000) {"
                + " edges { node { id name runs(first: 1) { totalCount } } } } }", Map.of("name", SEARCH_EXPERIMENT));
        String experiment = null;
        int existing = 0;
        for (JsonNode edge : found.path("experiments").path("edges")) {
            if (edge.path("node").path("name").asText().equals(SEARCH_EXPERIMENT)) {
                experiment = edge.path("node").path("id").asText();
                existing = edge.path("node").path("runs").path("totalCount").asInt();
            }
        }
        if (experiment == null) {
            experiment = createExperiment(SEARCH_EXPERIMENT);
        }
        int missing = SEARCH_RUNS - existing;
        if (missing > 0) {
            System.out.printf("Search: creating %,d runs with %d metrics and 3 params each through the API"
                    + " (once; later benchmark runs reuse them)...%n", missing, SEARCH_METRICS);
            String id = experiment;
            AtomicInteger next = new AtomicInteger();
            long started = System.nanoTime();
            Load.parallel(THREADS, thread -> {
                for (int n; (n = next.getAndIncrement()) < missing;) {
                    String run = createRun(id);
                    List<Map<String, Object>> metrics = new ArrayList<>();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int m = 0; m < SEARCH_METRICS; m++) {
                        metrics.add(Map.of("key", "m" + m, "value", random.nextDouble(), "step", 0));
                    }
                    List<Map<String, Object>> params = List.of(
                            Map.of("key", "optimizer", "value", List.of("adam", "sgd", "rmsprop").get(random.nextInt(3))),
                            Map.of("key", "learning_rate", "value", Double.toString(Math.pow(10, -1 - random.nextInt(4)))),
                            Map.of("key", "depth", "value", Integer.toString(2 + random.nextInt(10))));
                    client.graphql(LOG_BATCH, Map.of("run", run, "metrics", metrics, "params", params));
                    if (n > 0 && n % 10_000 == 0) {
                        System.out.printf("  %,d runs (%.0f s)%n", n, (System.nanoTime() - started) / 1e9);
                    }
                }
            });
        }
        return experiment;
    }

    /** Sequential searchRuns calls with varying thresholds; returns their latencies in ms. */
    private double[] searchLatencies(String experiment) {
        String query = "query($experiments: [ID!], $filter: String) {"
                + " searchRuns(experimentIds: $experiments, filter: $filter, first: 100) {"
                + " edges { node { id name status startTime params { key value } latestMetrics { key value step } } }"
                + " pageInfo { hasNextPage endCursor } } }";
        double[] latencies = new double[SEARCH_QUERIES];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int matched = 0;
        for (int i = -SEARCH_WARM_UP; i < SEARCH_QUERIES; i++) {
            String filter = String.format(Locale.ROOT, "metrics.m%d > %.3f AND params.optimizer = '%s'",
                    random.nextInt(SEARCH_METRICS), random.nextDouble(0.1, 0.9), List.of("adam", "sgd", "rmsprop").get(random.nextInt(3)));
            long started = System.nanoTime();
            JsonNode data = client.graphql(query, Map.of("experiments", List.of(experiment), "filter", filter));
            double ms = (System.nanoTime() - started) / 1e6;
            if (i >= 0) {
                latencies[i] = ms;
                matched += data.path("searchRuns").path("edges").size();
            }
        }
        System.out.printf("Search: %d queries returned %,d runs (%.0f per query on average)%n", SEARCH_QUERIES, matched,
                (double) matched / SEARCH_QUERIES);
        return latencies;
    }

    private String createExperiment(String name) {
        return client.graphql("mutation($name: String!) { createExperiment(name: $name) { id } }", Map.of("name", name))
                .path("createExperiment").path("id").asText();
    }

    private String createRun(String experiment) {
        return client.graphql("mutation($experiment: ID!) { createRun(experimentId: $experiment) { id } }",
                Map.of("experiment", experiment)).path("createRun").path("id").asText();
    }

    private static UUID uuid(String hex) {
        return UUID.fromString(hex.replaceFirst("(\\p{XDigit}{8})(\\p{XDigit}{4})(\\p{XDigit}{4})(\\p{XDigit}{4})(\\p{XDigit}+)",
                "$1-$2-$3-$4-$5"));
    }
}
