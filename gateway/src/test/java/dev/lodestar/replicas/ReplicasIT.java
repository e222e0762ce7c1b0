package dev.lodestar.replicas;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.testing.AppProcess;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.KeycloakRealm;
import dev.lodestar.testing.SwitchingProxy;
import dev.lodestar.training.SyntheticChurn;
import io.restassured.path.json.JsonPath;

/**
 * Many replicas, one truth: two gateway processes and two inference processes on one machine, sharing one
 * PostgreSQL database and one artifact directory, started once for the class. Inference replica a follows
 * gateway a, replica b follows gateway b.
 *
 * <ul>
 * <li>Training jobs queued on both gateways run exactly once each, spread over both gateways' workers, and
 * number their model's versions without gaps or duplicates.</li>
 * <li>Approvals racing from both gateways on one promotion move the alias once; every inference replica then
 * serves the new version (how long that takes is printed), and the audit chain verifies on both gateways.</li>
 * <li>An admin login begun on one gateway completes on the other, and a form rendered by one is accepted by the
 * other, through one address in front of both.</li>
 * <li>A gateway given a form key too short to protect anything refuses to start, naming the setting.</li>
 * </ul>
 */
class ReplicasIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(150);
    private static final Duration CONVERGENCE_LIMIT = Duration.ofSeconds(15);

    private static final String TRAIN = """
            mutation($input: TrainModelInput!) { trainModel(input: $input) { id } }""";
    private static final String JOB = """
            query($id: ID!) { job(id: $id) { id status error attempts logs { line } modelVersion { name version } } }""";
    private static final String VERSIONS = """
            query($n: String!) { registeredModel(name: $n) { versions(first: 100) { edges { node { version status } } } } }""";
    private static final String AUDIT = """
            query($action: String!, $after: String) {
              auditEvents(filter: {action: $action}, first: 100, after: $after) {
                edges { node { resourceId actor after } } pageInfo { hasNextPage endCursor }
              }
            }""";
    private static final String REQUEST = """
            mutation($n: String!, $v: Int!) {
              requestPromotion(name: $n, version: $v, alias: "champion", reason: "better holdout AUC") { id }
            }""";
    private static final String APPROVE = """
            mutation($id: ID!) { approvePromotion(requestId: $id, comment: "checked") { status decidedAt } }""";
    private static final String PROMOTION = """
            query($id: ID!) { promotionRequest(id: $id) { status decidedBy decidedAt } }""";
    private static final String CHAMPION = """
            query($n: String!) { registeredModel(name: $n) { aliases { alias version } } }""";
    private static final String DEPLOYMENT = """
            query($name: String!) { deployment(name: $name) { version history { reason version } } }""";
    private static final String VERIFY = """
            query { verifyAuditTrail { ok checked events problem firstBrokenSequence } }""";

    private static GatewayReplica gatewayA;
    private static GatewayReplica gatewayB;
    private static AppProcess inferenceA;
    private static AppProcess inferenceB;
    private static int grpcA;
    private static int grpcB;
    private static AppProcess shortKeyGateway;
    private static final List<AppProcess> PROCESSES = new ArrayList<>();

    @BeforeAll
    static void startReplicas() throws IOException {
        Path home = Path.of("target/replicas").toAbsolutePath();
        Path artifacts = Files.createDirectories(home.resolve("artifacts"));
        AppProcess.Database database = AppProcess.Database.fresh("lodestar_replicas");
        String formKey = randomKey();
        int portA = AppProcess.freePort();
        int portB = AppProcess.freePort();
        grpcA = AppProcess.freePort();
        grpcB = AppProcess.freePort();
        Map<String, String> settings = Map.of("LODESTAR_TRAINING_POLL_EVERY", "1s");
        AppProcess a = AppProcess.gateway("gateway-a", portA, database, artifacts, formKey, settings);
        AppProcess b = AppProcess.gateway("gateway-b", portB, database, artifacts, formKey, settings);
        inferenceA = AppProcess.inference("inference-a", grpcA, AppProcess.freePort(), "http://127.0.0.1:" + portA,
                Files.createDirectories(home.resolve("cache-a")), Map.of());
        inferenceB = AppProcess.inference("inference-b", grpcB, AppProcess.freePort(), "http://127.0.0.1:" + portB,
                Files.createDirectories(home.resolve("cache-b")), Map.of());
        shortKeyGateway = AppProcess.gateway("gateway-short-key", AppProcess.freePort(), database, artifacts, "0123456789",
                Map.of("LODESTAR_TRAINING_WORKERS", "0"));
        PROCESSES.addAll(List.of(a, b, inferenceA, inferenceB, shortKeyGateway));
        // All at once: the gateways migrate the one database under Flyway's lock, the inference servers wait for
        // their gateway by polling.
        PROCESSES.forEach(AppProcess::start);
        a.awaitReady(START);
        b.awaitReady(START);
        inferenceA.awaitReady(START);
        inferenceB.awaitReady(START);
        gatewayA = new GatewayReplica("gateway-a", portA, a);
        gatewayB = new GatewayReplica("gateway-b", portB, b);
    }

    @AfterAll
    static void stopReplicas() {
        PROCESSES.parallelStream().forEach(p -> p.stop(Duration.ofSeconds(10)));
    }

    @Test
    void jobsQueuedOnBothGatewaysRunExactlyOnceEachAndNumberTheirVersionsWithoutGaps() throws Exception {
        int jobs = 8;
        String dataset = gatewayA.uploadDataset(Fixtures.unique("churn"), SyntheticChurn.csv(400, 5, 0.1), "plan:TEXT,region:TEXT");
        String experiment = gatewayB.data("alice", "mutation($n: String!) { createExperiment(name: $n) { id } }",
                "n", Fixtures.unique("replicas")).getString("createExperiment.id");
        String model = Fixtures.unique("churn-replicas");
        Map<String, Object> input = Map.of("experimentId", experiment, "datasetId", dataset, "target", "churned",
                "task", "CLASSIFICATION", "trainer", "LOGISTIC_REGRESSION", "registerAs", model);

        List<String> queued = IntStream.range(0, jobs).mapToObj(i -> (i % 2 == 0 ? gatewayA : gatewayB)
                .data("alice", TRAIN, "input", input).getString("trainModel.id")).toList();
        List<JsonPath> finished = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            finished.add(awaitFinished(i % 2 == 0 ? gatewayB : gatewayA, queued.get(i)));
        }

        assertThat(finished).allSatisfy(job -> {
            assertThat(job.getString("job.status")).as(job.getString("job.error")).isEqualTo("SUCCEEDED");
            assertThat(job.getInt("job.attempts")).isEqualTo(1);
            assertThat(job.getList("job.logs.line", String.class)).filteredOn(line -> line.startsWith("attempt ")).hasSize(1);
        });
        assertThat(finished).extracting(job -> job.getInt("job.modelVersion.version"))
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, jobs).boxed().toList());
        assertThat(gatewayB.data("alice", VERSIONS, "n", model).getList("registeredModel.versions.edges.node.version", Integer.class))
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, jobs).boxed().toList());

        Map<String, String> workers = new HashMap<>();
        for (Map<String, Object> event : auditEvents(gatewayA, "JOB_SUCCEEDED")) {
            if (queued.contains((String) event.get("resourceId"))) {
                JsonNode after = JSON.readTree((String) event.get("after"));
                assertThat(workers.put((String) event.get("resourceId"), after.path("worker").asText()))
                        .as("one outcome per job").isNull();
                assertThat(after.path("attempt").asInt()).isEqualTo(1);
            }
        }
        assertThat(workers).hasSize(jobs);
        Map<String, Long> perGateway = new LinkedHashMap<>();
        for (GatewayReplica gateway : List.of(gatewayA, gatewayB)) {
            String pid = "/" + gateway.process().pid() + "/";
            perGateway.put(gateway.name(), workers.values().stream().filter(w -> w.contains(pid)).count());
        }
        System.out.printf("[replicas] %d jobs, attempts per gateway %s, versions 1..%d%n", jobs, perGateway, jobs);
        assertThat(perGateway.values().stream().mapToLong(Long::longValue).sum()).as("every worker is one of the two gateways")
                .isEqualTo(jobs);
        assertThat(perGateway.values()).as("both gateways trained").allSatisfy(n -> assertThat(n).isPositive());
    }

    @Test
    void approvalsRacingOnBothGatewaysMoveTheAliasOnceAndEveryInferenceReplicaFollows() throws Exception {
        int rounds = 5;
        String model = Fixtures.unique("race-replicas");
        gatewayA.data("alice", "mutation($n: String!) { createRegisteredModel(name: $n) { name } }", "n", model);
        String artifact = gatewayB.uploadArtifact(Fixtures.tribuoModel("churn-logistic"));
        for (int v = 1; v <= rounds; v++) {
            (v % 2 == 0 ? gatewayA : gatewayB).data("alice",
                    "mutation($n: String!, $a: ID!) { createModelVersion(name: $n, artifactId: $a) { version } }", "n", model, "a", artifact);
        }
        awaitReady(gatewayA, model, rounds);

        String deployment = Fixtures.unique("race");
        Map<String, List<Long>> convergence = new LinkedHashMap<>(Map.of("inference-a", new ArrayList<>(), "inference-b", new ArrayList<>()));
        List<String> requests = new ArrayList<>();
        String token = predictorToken();
        Map<String, FeatureValue> row = rowFor(gatewayA, model);
        try (ServedVersions a = new ServedVersions("inference-a", grpcA, deployment, row, token);
                ServedVersions b = new ServedVersions("inference-b", grpcB, deployment, row, token)) {
            for (int version = 1; version <= rounds; version++) {
                GatewayReplica opener = version % 2 == 0 ? gatewayA : gatewayB;
                String id = opener.data("alice", REQUEST, "n", model, "v", version).getString("requestPromotion.id");
                requests.add(id);

                List<GraphQL.Response> answers = atOnce(
                        () -> gatewayA.call("bob", APPROVE, "id", id),
                        () -> gatewayB.call("erin", APPROVE, "id", id));

                assertThat(answers).filteredOn(r -> r.codes().isEmpty()).hasSize(1);
                assertThat(answers).filteredOn(r -> r.codes().equals(List.of("CONFLICT"))).hasSize(1);
                for (GatewayReplica gateway : List.of(gatewayA, gatewayB)) {
                    assertThat(gateway.data("carol", PROMOTION, "id", id).getString("promotionRequest.status")).isEqualTo("APPROVED");
                    assertThat(gateway.data("alice", CHAMPION, "n", model).getList("registeredModel.aliases.findAll { it.alias == 'champion' }.version",
                            Integer.class)).containsExactly(version);
                }
                if (version == 1) {
                    gatewayB.data("alice", "mutation($d: String!, $m: String!) { createDeployment(name: $d, model: $m, alias: \"champion\") { name } }",
                            "d", deployment, "m", model);
                    a.awaitVersion(1, START);
                    b.awaitVersion(1, START);
                    continue;
                }
                Instant decided = Instant.parse(gatewayA.data("carol", PROMOTION, "id", id).getString("promotionRequest.decidedAt"));
                convergence.get("inference-a").add(Duration.between(decided, a.awaitVersion(version, CONVERGENCE_LIMIT)).toMillis());
                convergence.get("inference-b").add(Duration.between(decided, b.awaitVersion(version, CONVERGENCE_LIMIT)).toMillis());
            }
        }
        convergence.forEach((replica, millis) -> System.out.printf("[replicas] %s served each approved version after %s ms (median %d ms)%n",
                replica, millis, median(millis)));

        List<String> approved = new ArrayList<>();
        for (Map<String, Object> event : auditEvents(gatewayB, "PROMOTION_APPROVED")) {
            if (requests.contains((String) event.get("resourceId"))) {
                approved.add((String) event.get("resourceId"));
            }
        }
        assertThat(approved).as("one approval event per request").containsExactlyInAnyOrderElementsOf(requests);
        JsonPath history = gatewayA.data("alice", DEPLOYMENT, "name", deployment);
        assertThat(history.getList("deployment.history.findAll { it.reason == 'ALIAS_MOVED' }.version", Integer.class))
                .as("one move per approved request").containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(2, rounds).boxed().toList());
        assertThat(history.getInt("deployment.version")).isEqualTo(rounds);
        for (GatewayReplica gateway : List.of(gatewayA, gatewayB)) {
            JsonPath verified = gateway.data("carol", VERIFY);
            assertThat(verified.getBoolean("verifyAuditTrail.ok")).as(verified.getString("verifyAuditTrail.problem")).isTrue();
            System.out.printf("[replicas] %s verified the audit chain: %d of %d events checked%n", gateway.name(),
                    verified.getInt("verifyAuditTrail.checked"), verified.getInt("verifyAuditTrail.events"));
        }
    }

    @Test
    void anAdminLoginBegunOnOneGatewayCarriesOnOnTheOther() throws Exception {
        String model = Fixtures.unique("session-replicas");
        gatewayA.data("alice", "mutation($n: String!) { createRegisteredModel(name: $n) { name } }", "n", model);
        String artifact = gatewayA.uploadArtifact(Fixtures.tribuoModel("churn-logistic"));
        gatewayA.data("alice", "mutation($n: String!, $a: ID!) { createModelVersion(name: $n, artifactId: $a) { version } }",
                "n", model, "a", artifact);
        awaitReady(gatewayA, model, 1);
        String id = gatewayB.data("alice", REQUEST, "n", model, "v", 1).getString("requestPromotion.id");

        try (SwitchingProxy proxy = SwitchingProxy.to(gatewayA.port())) {
            KeycloakRealm.allowAdminRedirectsTo(proxy.base());
            try (Browser bob = Browser.start(proxy.base())) {
                bob.open("/admin/approvals/" + id);
                bob.one("#username");
                // The login began on gateway a (its state cookie); Keycloak sends the browser back to gateway b.
                proxy.switchTo(gatewayB.port());
                bob.fill("#username", "bob").fill("#password", "bob").press("#kc-login");
                assertThat(bob.url()).startsWith(proxy.base() + "/admin/approvals/" + id);
                assertThat(bob.text()).contains(model).contains("Approve");

                // The page and its form token came from gateway b; gateway a takes the decision.
                proxy.switchTo(gatewayA.port());
                bob.fill("#decide input[name=comment]", "approved across replicas").press("#decide button[value=approve]");
                assertThat(bob.url()).startsWith(proxy.base() + "/admin/approvals/" + id);
                assertThat(bob.one("#status").getText()).isEqualTo("APPROVED");
                assertThat(bob.one("#approvals").getText()).contains("bob").contains("approved across replicas");
            } finally {
                KeycloakRealm.disallowAdminRedirectsTo(proxy.base());
            }
        }
        JsonPath decided = gatewayB.data("carol", PROMOTION, "id", id);
        assertThat(decided.getString("promotionRequest.status")).isEqualTo("APPROVED");
        assertThat(decided.getString("promotionRequest.decidedBy")).isEqualTo("bob");
    }

    @Test
    void aGatewayWithAFormKeyTooShortRefusesToStartAndSaysWhy() throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (shortKeyGateway.alive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(shortKeyGateway.alive()).as("a gateway with a 10-character form key is still running").isFalse();
        assertThat(Files.readString(shortKeyGateway.log()))
                .contains("LODESTAR_ADMIN_FORM_KEY").contains("at least 16");
    }

    private static JsonPath awaitFinished(GatewayReplica gateway, String job) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            JsonPath view = gateway.data("alice", JOB, "id", job);
            String status = view.getString("job.status");
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status)) {
                return view;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + job + " is still " + status + ": " + view.getList("job.logs.line"));
            }
            Thread.sleep(100);
        }
    }

    private static void awaitReady(GatewayReplica gateway, String model, int versions) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<String> statuses = gateway.data("alice", VERSIONS, "n", model)
                    .getList("registeredModel.versions.edges.node.status", String.class);
            if (statuses.size() == versions && statuses.stream().allMatch("READY"::equals)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(model + " versions are " + statuses + ", not " + versions + " READY");
            }
            Thread.sleep(100);
        }
    }

    /** Every audit event of one action ({@code resourceId}, {@code actor}, {@code after}), newest first, page by page. */
    private static List<Map<String, Object>> auditEvents(GatewayReplica gateway, String action) {
        List<Map<String, Object>> events = new ArrayList<>();
        String after = null;
        do {
            JsonPath page = gateway.data("carol", AUDIT, "action", action, "after", after);
            events.addAll(page.getList("auditEvents.edges.node"));
            after = page.getBoolean("auditEvents.pageInfo.hasNextPage") ? page.getString("auditEvents.pageInfo.endCursor") : null;
        } while (after != null);
        return events;
    }

    @SafeVarargs
    private static List<GraphQL.Response> atOnce(Supplier<GraphQL.Response>... calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.length);
        try {
            CyclicBarrier start = new CyclicBarrier(calls.length);
            List<Future<GraphQL.Response>> futures = new ArrayList<>();
            for (Supplier<GraphQL.Response> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.get();
                }));
            }
            List<GraphQL.Response> answers = new ArrayList<>();
            for (Future<GraphQL.Response> future : futures) {
                answers.add(future.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A row the model's version 1 accepts: every input of its signature, numbers 1, text its first category. */
    private static Map<String, FeatureValue> rowFor(GatewayReplica gateway, String model) {
        JsonPath signature = gateway.data("alice", "query($n: String!) { modelVersion(name: $n, version: 1) { signature { name type categories } } }",
                "n", model);
        Map<String, FeatureValue> row = new HashMap<>();
        List<Map<String, Object>> inputs = signature.getList("modelVersion.signature");
        for (Map<String, Object> input : inputs) {
            @SuppressWarnings("unchecked")
            List<String> categories = (List<String>) input.get("categories");
            row.put((String) input.get("name"), "NUMBER".equals(input.get("type"))
                    ? FeatureValue.newBuilder().setNumber(1).build()
                    : FeatureValue.newBuilder().setText(categories == null || categories.isEmpty() ? "a" : categories.get(0)).build());
        }
        return row;
    }

    private static String predictorToken() {
        return given().formParams(Map.of("grant_type", "client_credentials", "client_id", "lodestar-predictor",
                "client_secret", TestStack.get().predictorSecret())).post(TestStack.get().tokenUrl())
                .then().statusCode(200).extract().path("access_token");
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }

    private static String randomKey() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
