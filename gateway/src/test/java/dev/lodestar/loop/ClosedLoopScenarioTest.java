package dev.lodestar.loop;

import static dev.lodestar.monitoring.MonitoringFixtures.ALERTS;
import static dev.lodestar.monitoring.MonitoringFixtures.CREATE_MONITOR;
import static dev.lodestar.monitoring.MonitoringFixtures.await;
import static dev.lodestar.testing.Fixtures.createExperiment;
import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.inference.InferenceConfig;
import dev.lodestar.inference.InferenceServer;
import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.inference.v1.PredictResponse;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;
import dev.lodestar.training.SyntheticChurn;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The closed loop end to end, with a real inference server in this JVM serving the gateway's champion over
 * gRPC and shipping its live sketches to the gateway over HTTP: traffic like the training data drifts nowhere,
 * shifted traffic drifts exactly on the shifted features, a dataset drift monitor raises an alert, the retraining
 * policy trains on the newest dataset version and proposes the new version with the drift report as evidence, two
 * approvers approve, the inference server answers with the new version, and lineage and {@code servingAt} tell
 * the whole story.
 */
@QuarkusTest
@TestProfile(ClosedLoopScenarioTest.ShortWindows.class)
class ClosedLoopScenarioTest {

    /** Windows of 20 s on both sides, judged 3 s after they close. */
    public static final class ShortWindows implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lodestar.monitoring.window", "PT20S", "lodestar.monitoring.grace", "PT3S",
                    "lodestar.monitoring.interval", "PT1S");
        }
    }

    private static final Duration WINDOW = Duration.ofSeconds(20);
    private static final int ROWS = 1000;
    private static final List<String> FEATURES = List.of("tenure_months", "monthly_charges", "plan", "support_calls", "region",
            "lifetime_value");
    private static final Set<String> SHIFTED = Set.of("tenure_months", "monthly_charges", "support_calls");

    private static final String REPORT = """
            query($d: String!, $from: DateTime!, $to: DateTime!) {
              driftReport(deployment: $d, from: $from, to: $to) { deployment version rows datasetDrift driftShare
                features { feature test statistic pValue threshold drifted psi } }
            }""";
    private static final String RETRAININGS = """
            query($m: String) { retrainings(model: $m) { id trigger alertId datasetId jobId status newVersion promotionRequestId error } }""";
    private static final String APPROVE = "mutation($id: ID!) { approvePromotion(requestId: $id) { status } }";
    private static final String LINEAGE = """
            query($node: ID!) { lineage(nodeId: $node, direction: UPSTREAM, depth: 20) { nodes { id kind name } edges { from to kind } } }""";
    private static final String SERVING_AT = "query($d: String!, $at: DateTime!) { servingAt(deployment: $d, at: $at) { name version } }";

    @Test
    void driftRaisesAnAlertThatRetrainsAndAfterApprovalTheServerAnswersWithTheNewVersion() throws Exception {
        // 1. A dataset, a trained champion approved by two approvers, a deployment following it.
        String datasetName = unique("scenario-churn");
        String dataset1 = upload(datasetName, SyntheticChurn.csv(3000, 5, 0));
        String model = unique("scenario-model");
        String job1 = GraphQL.as("alice").data("mutation($input: TrainModelInput!) { trainModel(input: $input) { id } }", "input",
                Map.of("experimentId", createExperiment(unique("scenario")), "datasetId", dataset1, "target", "churned",
                        "task", "CLASSIFICATION", "trainer", "LOGISTIC_REGRESSION", "registerAs", model)).getString("trainModel.id");
        awaitJob(job1);
        String run1 = GraphQL.as("alice").data("query($id: ID!) { job(id: $id) { runId } }", "id", job1).getString("job.runId");
        await(Duration.ofSeconds(60), "version 1 READY", () -> "READY".equals(GraphQL.as("alice")
                .data("query($n: String!) { modelVersion(name: $n, version: 1) { status } }", "n", model)
                .getString("modelVersion.status")) ? Boolean.TRUE : null);
        GraphQL.as("dave").data("mutation($n: String!) { setModelPolicy(name: $n, requiredApprovals: 2, protectedAliases: [\"champion\"]) { name } }",
                "n", model);
        String approval1 = GraphQL.as("alice").data("mutation($n: String!) { requestPromotion(name: $n, version: 1, alias: \"champion\","
                + " reason: \"first model\") { id } }", "n", model).getString("requestPromotion.id");
        assertThat(GraphQL.as("bob").data(APPROVE, "id", approval1).getString("approvePromotion.status")).isEqualTo("OPEN");
        assertThat(GraphQL.as("erin").data(APPROVE, "id", approval1).getString("approvePromotion.status")).isEqualTo("APPROVED");
        String deployment = unique("scenario");
        GraphQL.as("alice").data("mutation($n: String!, $m: String!) { createDeployment(name: $n, model: $m) { version } }",
                "n", deployment, "m", model);

        TestStack.Addresses stack = TestStack.get();
        Path directory = Files.createTempDirectory(Path.of("target"), "scenario-inference-");
        InferenceConfig config = InferenceConfig.local(URI.create(stack.issuer()), directory.resolve("state.json"), directory.resolve("cache"))
                .withGateway(URI.create("http://localhost:" + stack.gatewayPort()), URI.create(stack.issuer()), "lodestar-inference",
                        stack.inferenceSecret())
                .withServingFile(null) // the desired state comes from the gateway
                .withDrift(InferenceConfig.Drift.DEFAULTS.withWindow(WINDOW).withShipInterval(Duration.ofSeconds(1)));
        InferenceServer server = new InferenceServer(config).start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + predictorToken());
            UnaryOperator<InferenceGrpc.InferenceBlockingStub> fresh = stub -> stub.withDeadlineAfter(10, TimeUnit.SECONDS);
            InferenceGrpc.InferenceBlockingStub inference = InferenceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            List<Map<String, String>> probe = rows(SyntheticChurn.csv(1, 99, 0));
            PredictResponse first = await(Duration.ofSeconds(60), "the inference server serving version 1", () -> {
                try {
                    return fresh.apply(inference).predict(request(deployment, probe.get(0), false));
                } catch (io.grpc.StatusRuntimeException e) {
                    return null;
                }
            });
            assertThat(first.getModel()).isEqualTo(model);
            assertThat(first.getModelVersion()).isEqualTo(1);
            assertThat(first.getPredictionId()).startsWith(deployment + ".1.");

            // 2. One window of traffic drawn like the training data: no drift.
            Instant clean = nextWindow();
            send(inference, fresh, deployment, rows(SyntheticChurn.csv(ROWS, 6, 0)), false, clean);
            assertThat(server.liveProfiles().awaitFolded(Duration.ofSeconds(10))).isTrue();
            assertThat(server.shipper().ship()).isTrue();
            JsonPath same = report(deployment, clean);
            assertThat(same.getInt("driftReport.version")).isEqualTo(1);
            assertThat(same.getInt("driftReport.rows")).isEqualTo(ROWS);
            assertThat(same.getList("driftReport.features.feature", String.class)).containsExactlyInAnyOrderElementsOf(FEATURES);
            assertThat(same.getBoolean("driftReport.datasetDrift")).isFalse();
            assertThat(drifted(same)).as(same.prettify()).isEmpty();

            // 3. The next window: tenure, charges and support calls shifted, the other features as before.
            Instant shifted = nextWindow();
            send(inference, fresh, deployment, rows(SyntheticChurn.csv(ROWS, 7, 0)), true, shifted);
            assertThat(server.liveProfiles().awaitFolded(Duration.ofSeconds(10))).isTrue();
            assertThat(server.shipper().ship()).isTrue();
            JsonPath moved = report(deployment, shifted);
            assertThat(moved.getInt("driftReport.rows")).isEqualTo(ROWS);
            assertThat(drifted(moved)).as(moved.prettify()).containsExactlyInAnyOrderElementsOf(SHIFTED);
            assertThat(moved.getBoolean("driftReport.datasetDrift")).isTrue();

            // 4. A second dataset version, the retraining policy and a dataset drift monitor: the shifted window alerts.
            String dataset2 = upload(datasetName, SyntheticChurn.csv(3000, 8, 0));
            GraphQL.as("alice").data("mutation($m: String!, $i: RetrainingPolicyInput!) { setRetrainingPolicy(model: $m, input: $i) { alias } }",
                    "m", model, "i", Map.of("triggers", List.of("ON_ALERT")));
            // Created once the clean window is past its grace: the first window it judges is the clean one (no alert),
            // the next the shifted one. (The single probe row's window, one row unlike any reference, is never judged.)
            long wait = Duration.between(Instant.now(), shifted.plusSeconds(5)).toMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            GraphQL.as("alice").data(CREATE_MONITOR, "input", Map.of("deployment", deployment, "kind", "DATASET_DRIFT"));
            Map<String, Object> alert = await(Duration.ofSeconds(60), "a dataset drift alert", () -> {
                List<Map<String, Object>> nodes = GraphQL.as("carol").data(ALERTS, "d", deployment, "first", 10)
                        .getList("alerts.edges.node");
                return nodes.isEmpty() ? null : nodes.get(0);
            });
            assertThat(alert).containsEntry("kind", "DATASET_DRIFT").containsEntry("windowStart", shifted.toString())
                    .containsEntry("version", 1);
            assertThat(GraphQL.as("carol").data(ALERTS, "d", deployment, "first", 10).getInt("alerts.totalCount")).isEqualTo(1);

            Map<String, Object> retraining = await(Duration.ofSeconds(90), "a REQUESTED retraining", () -> {
                List<Map<String, Object>> rows = GraphQL.as("carol").data(RETRAININGS, "m", model).getList("retrainings");
                return rows.stream().filter(r -> !"TRAINING".equals(r.get("status"))).findFirst().orElse(null);
            });
            assertThat(retraining).as(String.valueOf(retraining.get("error"))).containsEntry("status", "REQUESTED")
                    .containsEntry("trigger", "ON_ALERT").containsEntry("alertId", alert.get("id")).containsEntry("datasetId", dataset2)
                    .containsEntry("newVersion", 2);
            String approval2 = (String) retraining.get("promotionRequestId");
            JsonPath opened = GraphQL.as("bob").data("query($id: ID!) { promotionRequest(id: $id) { status version alias requestedBy"
                    + " evidence { drift } } }", "id", approval2);
            assertThat(opened.getString("promotionRequest.status")).isEqualTo("OPEN");
            assertThat(opened.getString("promotionRequest.requestedBy")).isEqualTo("system");
            assertThat(opened.getString("promotionRequest.alias")).isEqualTo("champion");
            assertThat(opened.getInt("promotionRequest.version")).isEqualTo(2);
            JsonPath evidence = JsonPath.from(opened.getString("promotionRequest.evidence.drift"));
            assertThat(evidence.getString("deployment")).isEqualTo(deployment);
            assertThat(evidence.getBoolean("datasetDrift")).isTrue();
            assertThat(evidence.getList("features.findAll { it.drifted }.feature", String.class))
                    .containsExactlyInAnyOrderElementsOf(SHIFTED);

            // Still version 1 until the policy's two approvals are in.
            assertThat(GraphQL.as("bob").data(APPROVE, "id", approval2).getString("approvePromotion.status")).isEqualTo("OPEN");
            assertThat(fresh.apply(inference).predict(request(deployment, probe.get(0), false)).getModelVersion()).isEqualTo(1);
            Instant beforeApproval = Instant.now();
            Thread.sleep(50);
            assertThat(GraphQL.as("erin").data(APPROVE, "id", approval2).getString("approvePromotion.status")).isEqualTo("APPROVED");
            assertThat(GraphQL.as("carol").data("query($n: String!) { deployment(name: $n) { version } }", "n", deployment)
                    .getInt("deployment.version")).isEqualTo(2);
            PredictResponse second = await(Duration.ofSeconds(30), "the inference server answering with version 2", () -> {
                PredictResponse answer = fresh.apply(inference).predict(request(deployment, probe.get(0), false));
                return answer.getModelVersion() == 2 ? answer : null;
            });
            assertThat(second.getModel()).isEqualTo(model);
            assertThat(second.getPredictionId()).startsWith(deployment + ".2.");

            // 5. Lineage: dataset -> run -> model, approvals, the alert between the window and the retraining run.
            String run2 = GraphQL.as("alice").data("query($id: ID!) { job(id: $id) { runId } }", "id", retraining.get("jobId"))
                    .getString("job.runId");
            JsonPath lineage = GraphQL.as("carol").data(LINEAGE, "node", "deployment:" + deployment);
            String window = "window:" + deployment + ":1:" + shifted.getEpochSecond();
            String alertNode = "alert:" + alert.get("id");
            assertThat(lineage.getList("lineage.nodes.id", String.class)).contains("dataset:" + dataset1, "run:" + run1,
                    "model:" + model + ":1", "dataset:" + dataset2, "run:" + run2, "model:" + model + ":2",
                    "approval:" + approval2, window, alertNode);
            List<String> edges = new ArrayList<>();
            for (Map<String, Object> edge : lineage.<Map<String, Object>>getList("lineage.edges")) {
                edges.add(edge.get("from") + " -" + edge.get("kind") + "-> " + edge.get("to"));
            }
            assertThat(edges).contains(
                    "dataset:" + dataset1 + " -TRAINED_ON-> run:" + run1,
                    "run:" + run1 + " -PRODUCED-> model:" + model + ":1",
                    "model:" + model + ":1 -SCORED-> " + window,
                    window + " -RAISED-> " + alertNode,
                    alertNode + " -TRIGGERED-> run:" + run2,
                    "dataset:" + dataset2 + " -TRAINED_ON-> run:" + run2,
                    "run:" + run2 + " -PRODUCED-> model:" + model + ":2",
                    "model:" + model + ":2 -APPROVED-> approval:" + approval2,
                    "approval:" + approval2 + " -PROMOTED-> deployment:" + deployment,
                    "model:" + model + ":2 -SERVES-> deployment:" + deployment);

            // The first approval moved the alias before the deployment existed: it hangs off version 1, not upstream of the deployment.
            JsonPath approved = GraphQL.as("carol").data(LINEAGE.replace("UPSTREAM", "DOWNSTREAM"), "node", "model:" + model + ":1");
            assertThat(approved.getList("lineage.edges", Map.class)).anySatisfy(edge -> assertThat(edge)
                    .containsEntry("from", "model:" + model + ":1").containsEntry("to", "approval:" + approval1)
                    .containsEntry("kind", "APPROVED"));

            assertThat(GraphQL.as("carol").data(SERVING_AT, "d", deployment, "at", beforeApproval.toString())
                    .getInt("servingAt.version")).isEqualTo(1);
            assertThat(GraphQL.as("carol").data(SERVING_AT, "d", deployment, "at", Instant.now().toString())
                    .getInt("servingAt.version")).isEqualTo(2);
        } finally {
            channel.shutdownNow();
            server.stop();
            delete(directory);
        }
    }

    private static void awaitJob(String job) {
        await(Duration.ofSeconds(120), "job " + job, () -> {
            String status = GraphQL.as("alice").data("query($id: ID!) { job(id: $id) { status } }", "id", job).getString("job.status");
            assertThat(status).isNotIn("FAILED", "CANCELLED");
            return "SUCCEEDED".equals(status) ? Boolean.TRUE : null;
        });
    }

    /** Sleeps until a window has just begun; returns its start. */
    private static Instant nextWindow() throws InterruptedException {
        long width = WINDOW.toMillis();
        long now = System.currentTimeMillis();
        long start = (now / width + 1) * width;
        Thread.sleep(start - now + 100);
        return Instant.ofEpochMilli(start);
    }

    /** Predicts every row within the window starting at {@code window}, shifted or not. */
    private static void send(InferenceGrpc.InferenceBlockingStub inference, UnaryOperator<InferenceGrpc.InferenceBlockingStub> fresh,
            String deployment, List<Map<String, String>> rows, boolean shift, Instant window) {
        for (Map<String, String> row : rows) {
            fresh.apply(inference).predict(request(deployment, row, shift));
        }
        assertThat(Instant.now()).as("the traffic fits in one window").isBefore(window.plus(WINDOW));
    }

    private static PredictRequest request(String deployment, Map<String, String> row, boolean shift) {
        PredictRequest.Builder request = PredictRequest.newBuilder().setDeployment(deployment);
        for (String feature : FEATURES) {
            String value = row.get(feature);
            if (feature.equals("plan") || feature.equals("region")) {
                request.putFeatures(feature, FeatureValue.newBuilder().setText(value).build());
                continue;
            }
            double number = Double.parseDouble(value);
            if (shift) {
                number = switch (feature) {
                    case "tenure_months" -> number + 24;
                    case "monthly_charges" -> number * 1.3;
                    case "support_calls" -> number + 3;
                    default -> number;
                };
            }
            request.putFeatures(feature, FeatureValue.newBuilder().setNumber(number).build());
        }
        return request.build();
    }

    private static List<Map<String, String>> rows(String csv) {
        String[] lines = csv.split("\n");
        String[] header = lines[0].split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            Map<String, String> row = new java.util.HashMap<>();
            for (int c = 0; c < header.length; c++) {
                row.put(header[c], cells[c]);
            }
            rows.add(row);
        }
        return rows;
    }

    private static JsonPath report(String deployment, Instant window) {
        return await(Duration.ofSeconds(20), "the window's rows at the gateway", () -> {
            JsonPath report = GraphQL.as("carol").data(REPORT, "d", deployment, "from", window.toString(),
                    "to", window.plus(WINDOW).toString());
            return report.getInt("driftReport.rows") == ROWS ? report : null;
        });
    }

    private static List<String> drifted(JsonPath report) {
        return report.getList("driftReport.features.findAll { it.drifted }.feature", String.class);
    }

    private static String upload(String name, String csv) {
        return given().header("Authorization", "Bearer " + Tokens.of("alice")).contentType("text/csv").body(csv)
                .post("/api/datasets?name=" + name + "&types=plan:TEXT,region:TEXT").then().statusCode(201).extract().path("id");
    }

    private static String predictorToken() {
        return given().formParams(Map.of("grant_type", "client_credentials", "client_id", "lodestar-predictor",
                "client_secret", TestStack.get().predictorSecret())).post(TestStack.get().tokenUrl())
                .then().statusCode(200).extract().path("access_token");
    }

    private static void delete(Path directory) {
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
