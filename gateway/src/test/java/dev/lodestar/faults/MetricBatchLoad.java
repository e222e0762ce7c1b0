package dev.lodestar.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Clients logging metric batches to one run without pause, the way a well-behaved client does it: a batch that is
 * refused with {@code UNAVAILABLE}, or gets no answer at all, is sent again after a short pause until it is
 * accepted, under the same idempotency key. Every batch carries a metric key of its own with {@value #POINTS}
 * points, so what was stored can be counted batch by batch afterwards.
 */
final class MetricBatchLoad {

    /** Points per batch. */
    static final int POINTS = 10;

    private static final String LOG_BATCH = """
            mutation($run: ID!, $metrics: [MetricInput!], $key: String) {
              logBatch(runId: $run, metrics: $metrics, idempotencyKey: $key) { id }
            }""";

    private final GatewayEndpoint gateway;
    private final String runId;
    private final Supplier<String> token;
    private final FaultFigures figures;
    private final long giveUpAfterMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> clients = new ArrayList<>();
    /** Batch keys the gateway acknowledged. */
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    /** How each failed attempt failed ("UNAVAILABLE", "no answer", "HTTP 500 ..."), with counts. */
    final Map<String, Integer> failures = new ConcurrentHashMap<>();
    /** Answers that carried a Java stack trace or exception class name. */
    final List<String> leaks = java.util.Collections.synchronizedList(new ArrayList<>());

    MetricBatchLoad(GatewayEndpoint gateway, String runId, Supplier<String> token, FaultFigures figures,
            long giveUpAfterMillis) {
        this.gateway = gateway;
        this.runId = runId;
        this.token = token;
        this.figures = figures;
        this.giveUpAfterMillis = giveUpAfterMillis;
    }

    /** Starts {@code count} clients, each sending one batch at a time. */
    MetricBatchLoad start(int count, String prefix) {
        for (int c = 0; c < count; c++) {
            String client = prefix + c;
            Thread thread = new Thread(() -> run(client), "batches-" + client);
            clients.add(thread);
            thread.start();
        }
        return this;
    }

    /** Stops sending new batches and waits until every batch under way was accepted or given up. */
    void finish() throws InterruptedException {
        running.set(false);
        for (Thread thread : clients) {
            thread.join(giveUpAfterMillis + 10_000);
        }
    }

    /** What the database holds of the batches: those stored in part, those stored more than once. */
    record Outcome(long partial, long duplicated) {
    }

    /**
     * Reads the run's points straight from the database, batch by batch, and adds to the figures: acknowledged
     * batches that are missing as lost, how attempts failed, how many batches are stored and how many twice.
     */
    Outcome check(FaultDatabase database) {
        Map<String, Long> stored = new HashMap<>();
        for (Object[] row : database.query("select key, count(*) from metric where run_id = ?::uuid group by key", runId)) {
            stored.put((String) row[0], ((Number) row[1]).longValue());
        }
        figures.lost.addAndGet(acknowledged.stream().filter(key -> stored.getOrDefault(key, 0L) == 0).count());
        long partial = stored.values().stream().filter(count -> count % POINTS != 0).count();
        long duplicated = stored.values().stream().filter(count -> count > POINTS).count();
        figures.note("failedBy", failures);
        figures.note("storedBatches", stored.size());
        figures.note("duplicatedBatches", duplicated);
        return new Outcome(partial, duplicated);
    }

    private void run(String client) {
        for (int n = 0; running.get(); n++) {
            String key = "b-" + client + "-" + n;
            List<Map<String, Object>> metrics = new ArrayList<>();
            for (int step = 0; step < POINTS; step++) {
                metrics.add(Map.of("key", key, "value", n + step / 10.0, "step", step));
            }
            figures.sent.incrementAndGet();
            long started = System.currentTimeMillis();
            int attempts = 0;
            while (true) {
                attempts++;
                GatewayEndpoint.Answer answer = gateway.graphql(token.get(), LOG_BATCH,
                        Map.of("run", runId, "metrics", metrics, "key", key));
                if (answer.succeeded()) {
                    acknowledged.add(key);
                    if (attempts > 1) {
                        figures.recovered.incrementAndGet();
                    }
                    break;
                }
                figures.failed.incrementAndGet();
                failures.merge(kind(answer), 1, Integer::sum);
                if (answer.raw().contains("Exception") || answer.raw().contains("\tat ")) {
                    leaks.add(answer.raw());
                }
                if (System.currentTimeMillis() - started > giveUpAfterMillis) {
                    figures.lost.incrementAndGet();
                    break;
                }
                pause(100);
            }
        }
    }

    private static String kind(GatewayEndpoint.Answer answer) {
        if (answer.status() == -1) {
            return "no answer";
        }
        List<String> codes = answer.codes();
        return answer.status() == 200 && !codes.isEmpty() ? String.join(",", codes) : "HTTP " + answer.status();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
