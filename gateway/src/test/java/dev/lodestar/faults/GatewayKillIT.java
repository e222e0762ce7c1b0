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
        gateway = AppProcess.gateway("gateway-kill", port, db, OUTPUT.resolve("artifacts-gateway-kill"), "form-key-gateway-kill",
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
        String experiment = endpoint.createExperiment(Tokens.of("alice"), "gateway-kill");
        String run = endpoint.createRun(Tokens.of("alice"), experiment, "load");

        MetricBatchLoad load = new MetricBatchLoad(endpoint, run, () -> Tokens.of("alice"), figures, 90_000).start(4, "k");
        Stopwatch.pause(1_500);
        killAndRestart(figures);
        Stopwatch.pause(1_500);
        load.finish();

        MetricBatchLoad.Outcome outcome = load.check(database);
        JsonNode verification = endpoint.data(Tokens.of("carol"), "{ verifyAuditTrail { ok checked problem events } }", Map.of())
                .path("verifyAuditTrail");
        figures.note("auditEventsChecked", verification.path("checked").asInt());
        figures.publish();

        assertThat(load.failures.keySet()).as("how attempts failed").allMatch(kind -> kind.equals("no answer"));
        assertThat(figures.failed.get()).as("attempts that found the gateway gone").isPositive();
        assertThat(figures.lost.get()).as("batches acknowledged but missing, or never accepted").isZero();
        assertThat(outcome.partial()).as("batches stored in part").isZero();
        assertThat(outcome.duplicated()).as("batches stored twice (a retry after a lost answer)").isZero();
        assertThat(verification.path("ok").asBoolean()).as(verification.toString()).isTrue();
    }

    @Test
    void approvalsUnderwayWhenTheGatewayIsKilledEndConsistentWithTheirAuditEvents() throws Exception {
        FaultFigures figures = new FaultFigures("gateway-kill-approvals");
        String model = "kill-approvals";
        String alice = Tokens.of("alice");
        endpoint.data(alice, "mutation($n: String!) { createRegisteredModel(name: $n) { name } }", Map.of("n", model));
        registerVersion(model, "churn-logistic");
        registerVersion(model, "spend-linear");

        PromotionCycles cycles = new PromotionCycles(endpoint, model, figures).start();
        Stopwatch.pause(2_000);
        killAndRestart(figures);
        Stopwatch.pause(1_500);
        cycles.finish();

        Map<String, String> status = new java.util.HashMap<>();
        for (Object[] row : database.query("""
                select r.id::text, r.status from promotion_request r join registered_model m on m.id = r.model_id
                where m.name = ?""", model)) {
            status.put((String) row[0], (String) row[1]);
        }
        Map<String, java.util.List<String>> events = new java.util.HashMap<>();
        for (Object[] row : database.query("""
                select resource_id, action from audit_event where resource_type = 'PROMOTION_REQUEST' order by sequence""")) {
            events.computeIfAbsent((String) row[0], k -> new java.util.ArrayList<>()).add((String) row[1]);
        }
        long inconsistent = status.entrySet().stream().filter(request -> !events.getOrDefault(request.getKey(), java.util.List.of())
                .equals(request.getValue().equals("APPROVED")
                        ? java.util.List.of("PROMOTION_REQUESTED", "PROMOTION_APPROVAL_GIVEN", "PROMOTION_APPROVED")
                        : java.util.List.of("PROMOTION_REQUESTED"))).count();
        long missing = cycles.approved.stream().filter(id -> !"APPROVED".equals(status.get(id))).count();
        figures.lost.addAndGet(missing);
        int champion = endpoint.data(Tokens.of("carol"), "query($n: String!) { registeredModel(name: $n) { aliases { alias version } } }",
                Map.of("n", model)).path("registeredModel").path("aliases").path(0).path("version").asInt();
        JsonNode verification = endpoint.data(Tokens.of("carol"), "{ verifyAuditTrail { ok checked problem events } }", Map.of())
                .path("verifyAuditTrail");
        figures.note("requests", status.size());
        figures.note("approved", cycles.approved.size());
        figures.note("failedBy", cycles.failures);
        figures.publish();

        assertThat(cycles.failures.keySet()).as("how attempts failed").allMatch(kind -> kind.equals("no answer") || kind.equals("CONFLICT"));
        assertThat(figures.failed.get()).as("attempts that found the gateway gone").isPositive();
        assertThat(figures.lost.get()).as("approvals acknowledged but not stored").isZero();
        assertThat(inconsistent).as("requests whose audit events do not match their state: " + status + " " + events).isZero();
        assertThat(status.values()).as("at most the last request is still open").filteredOn("OPEN"::equals).hasSizeLessThanOrEqualTo(1);
        assertThat(champion).isEqualTo(cycles.champion);
        assertThat(verification.path("ok").asBoolean()).as(verification.toString()).isTrue();
    }

    /** SIGKILLs the gateway, starts it again and notes how long it took to be ready. */
    private static void killAndRestart(FaultFigures figures) {
        gateway.kill();
        long killed = System.nanoTime();
        gateway.start();
        figures.note("backAfterMs", Stopwatch.millisUntil(killed, gateway::ready, Duration.ofSeconds(90), "the restart"));
    }

    private static void registerVersion(String model, String golden) {
        String alice = Tokens.of("alice");
        GatewayEndpoint.Answer upload = endpoint.postBytes("/api/artifacts", alice, dev.lodestar.testing.Fixtures.tribuoModel(golden));
        int version = endpoint.data(alice, "mutation($n: String!, $a: ID!) { createModelVersion(name: $n, artifactId: $a) { version } }",
                Map.of("n", model, "a", upload.body().path("id").asText())).path("createModelVersion").path("version").asInt();
        Stopwatch.millisUntil(System.nanoTime(), () -> endpoint.data(alice,
                "query($n: String!, $v: Int!) { modelVersion(name: $n, version: $v) { status } }", Map.of("n", model, "v", version))
                .path("modelVersion").path("status").asText().equals("READY"), Duration.ofSeconds(60), "version " + version);
    }

    @Test
    void aTrainingJobWhoseGatewayIsKilledRunsAgainAndRegistersExactlyOneVersion() throws Exception {
        FaultFigures figures = new FaultFigures("gateway-kill-training");
        String alice = Tokens.of("alice");
        String experiment = endpoint.createExperiment(alice, "kill-training");
        GatewayEndpoint.Answer dataset = endpoint.post("/api/datasets?name=kill-churn", alice, "text/csv",
                dev.lodestar.training.SyntheticChurn.csv(60_000, 7, 0.1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(dataset.status()).as(dataset.raw()).isEqualTo(201);
        Map<String, Object> input = Map.of("experimentId", experiment, "datasetId", dataset.body().path("id").asText(),
                "target", "churned", "task", "CLASSIFICATION", "trainer", "LOGISTIC_REGRESSION", "registerAs", "kill-trained");
        String job = endpoint.data(alice, "mutation($input: TrainModelInput!) { trainModel(input: $input) { id } }",
                Map.of("input", input)).path("trainModel").path("id").asText();
        figures.sent.incrementAndGet();
        String jobQuery = "query($id: ID!) { job(id: $id) { status attempts error modelVersion { name version } } }";
        Stopwatch.millisUntil(System.nanoTime(), () -> !endpoint.data(alice, jobQuery, Map.of("id", job)).path("job")
                .path("status").asText().equals("QUEUED"), Duration.ofSeconds(60), "the job starting");
        String statusAtKill = endpoint.data(alice, jobQuery, Map.of("id", job)).path("job").path("status").asText();
        figures.note("statusAtKill", statusAtKill);
        killAndRestart(figures);
        Stopwatch.millisUntil(System.nanoTime(), () -> {
            String status = endpoint.data(alice, jobQuery, Map.of("id", job)).path("job").path("status").asText();
            return status.equals("SUCCEEDED") || status.equals("FAILED");
        }, Duration.ofSeconds(120), "the job ending");
        JsonNode ended = endpoint.data(alice, jobQuery, Map.of("id", job)).path("job");
        long versions = database.count("""
                select count(*) from model_version v join registered_model m on m.id = v.model_id where m.name = 'kill-trained'""");
        figures.note("jobStatus", ended.path("status").asText());
        figures.note("attempts", ended.path("attempts").asInt());
        figures.note("versions", versions);
        if (ended.path("status").asText().equals("SUCCEEDED") && ended.path("attempts").asInt() > 1) {
            figures.recovered.incrementAndGet();
        }
        if (!ended.path("status").asText().equals("SUCCEEDED")) {
            figures.failed.incrementAndGet();
        }
        figures.publish();

        if (ended.path("status").asText().equals("SUCCEEDED")) {
            assertThat(versions).as("model versions the job registered").isEqualTo(1);
            assertThat(ended.path("modelVersion").path("version").asInt()).isEqualTo(1);
        } else {
            assertThat(versions).as("a failed job registers nothing").isZero();
            assertThat(ended.path("error").asText()).isNotBlank();
        }
    }
}
