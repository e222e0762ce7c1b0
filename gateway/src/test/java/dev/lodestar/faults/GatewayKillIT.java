package dev.lodestar.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lodestar.testing.AppProcess;
import dev.lodestar.testing.Tokens;

/**
 * The gateway killed with SIGKILL in the middle of client traffic and started again: every write a client saw
 * acknowledged is there, no write is there in part, and the audit chain still verifies.
 */
class GatewayKillIT {

    private static final Path OUTPUT = Path.of(System.getProperty("lodestar.test.output", "target/test-stack")).toAbsolutePath();

    private static AppProcess gateway;
    private static GatewayEndpoint endpoint;
    private static FaultDatabase database;

    @BeforeAll
    static void start() {
        int port = AppProcess.freePort();
        AppProcess.Database db = AppProcess.Database.fresh("faults_gateway_kill");
        database = new FaultDatabase(db);
        gateway = AppProcess.gateway("gateway-kill", port, db, OUTPUT.resolve("artifacts-gateway-kill"), "gateway-kill",
                Map.of()).startReady(Duration.ofSeconds(120));
        endpoint = new GatewayEndpoint(port);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void metricBatchesAcknowledgedBeforeAKillAreStoredWholeAndTheAuditChainVerifies() throws Exception {
        FaultFigures figures = new FaultFigures("gateway-kill-logBatch");
        String experiment = endpoint.data(Tokens.of("alice"), "mutation($n: String!) { createExperiment(name: $n) { id } }",
                Map.of("n", "gateway-kill")).path("createExperiment").path("id").asText();
        String run = endpoint.data(Tokens.of("alice"), "mutation($e: ID!) { createRun(experimentId: $e, name: \"load\") { id } }",
                Map.of("e", experiment)).path("createRun").path("id").asText();

        MetricBatchLoad load = new MetricBatchLoad(endpoint, run, () -> Tokens.of("alice"), figures, 90_000).start(4, "k");
        Stopwatch.pause(1_500);
        gateway.kill();
        long killed = System.nanoTime();
        gateway.start();
        figures.note("backAfterMs", Stopwatch.millisUntil(killed, gateway::ready, Duration.ofSeconds(90), "the restart"));
        Stopwatch.pause(1_500);
        load.finish();

        Map<String, Long> stored = MetricBatchLoad.stored(database, run);
        long missing = load.acknowledged.stream().filter(key -> stored.getOrDefault(key, 0L) == 0).count();
        long partial = stored.values().stream().filter(count -> count % MetricBatchLoad.POINTS != 0).count();
        long duplicated = stored.values().stream().filter(count -> count > MetricBatchLoad.POINTS).count();
        figures.lost.addAndGet(missing);
        figures.note("failedBy", load.failures);
        figures.note("duplicatedBatches", duplicated);
        figures.note("storedBatches", stored.size());
        JsonNode verification = endpoint.data(Tokens.of("carol"), "{ verifyAuditTrail { ok checked problem events } }", Map.of())
                .path("verifyAuditTrail");
        figures.note("auditEventsChecked", verification.path("checked").asInt());
        figures.publish();

        assertThat(load.failures.keySet()).as("how attempts failed").allMatch(kind -> kind.equals("no answer"));
        assertThat(figures.failed.get()).as("attempts that found the gateway gone").isPositive();
        assertThat(figures.lost.get()).as("batches acknowledged but missing, or never accepted").isZero();
        assertThat(partial).as("batches stored in part").isZero();
        assertThat(verification.path("ok").asBoolean()).as(verification.toString()).isTrue();
    }
}
