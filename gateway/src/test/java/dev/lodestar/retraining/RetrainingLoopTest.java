package dev.lodestar.retraining;

import static dev.lodestar.monitoring.MonitoringFixtures.CREATE_MONITOR;
import static dev.lodestar.monitoring.MonitoringFixtures.await;
import static dev.lodestar.testing.TestDatabase.query;
import static dev.lodestar.testing.Fixtures.createExperiment;
import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;
import dev.lodestar.training.SyntheticChurn;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The closed loop with real tokens, jobs and registration: an alert on the champion's deployment starts a retraining
 * with the champion's spec on the newest dataset version, its READY version is proposed by the system with the
 * drift report as evidence, an approver approves, and the deployment serves the new version.
 */
@QuarkusTest
class RetrainingLoopTest {

    static final String RETRAININGS = """
            query($m: String) { retrainings(model: $m) { id trigger alertId alias sourceVersion datasetId jobId status newVersion
              promotionRequestId error } }""";

    @Test
    void anAlertRetrainsTheChampionOnTheNewestDatasetAndProposesItForApproval() {
        String datasetName = unique("loop-churn");
        String v1 = upload(datasetName, SyntheticChurn.csv(600, 3, 0));
        String model = unique("loop-model");
        String experiment = createExperiment(unique("loop"));
        String job = GraphQL.as("alice").data("mutation($input: TrainModelInput!) { trainModel(input: $input) { id } }", "input",
                Map.of("experimentId", experiment, "datasetId", v1, "target", "churned", "task", "CLASSIFICATION",
                        "trainer", "LOGISTIC_REGRESSION", "registerAs", model)).getString("trainModel.id");
        await(Duration.ofSeconds(120), "the first job", () -> "SUCCEEDED".equals(GraphQL.as("alice")
                .data("query($id: ID!) { job(id: $id) { status } }", "id", job).getString("job.status")) ? Boolean.TRUE : null);
        await(Duration.ofSeconds(60), "version 1 READY", () -> "READY".equals(GraphQL.as("alice")
                .data("query($n: String!) { modelVersion(name: $n, version: 1) { status } }", "n", model)
                .getString("modelVersion.status")) ? Boolean.TRUE : null);
        GraphQL.as("dave").data("mutation($n: String!) { setModelPolicy(name: $n, requiredApprovals: 1, protectedAliases: [\"champion\"]) { name } }",
                "n", model);
        String first = GraphQL.as("alice").data("mutation($n: String!) { requestPromotion(name: $n, version: 1, alias: \"champion\","
                + " reason: \"first\") { id } }", "n", model).getString("requestPromotion.id");
        GraphQL.as("bob").data("mutation($id: ID!) { approvePromotion(requestId: $id) { status } }", "id", first);
        String deployment = unique("loop");
        GraphQL.as("alice").data("mutation($n: String!, $m: String!) { createDeployment(name: $n, model: $m) { version } }",
                "n", deployment, "m", model);
        String v2 = upload(datasetName, SyntheticChurn.csv(600, 4, 0));

        String setPolicy = "mutation($m: String!, $i: RetrainingPolicyInput!) { setRetrainingPolicy(model: $m, input: $i) { alias } }";
        Map<String, Object> onAlert = Map.of("triggers", List.of("ON_ALERT"));
        GraphQL.Response refused = GraphQL.as("bob").call(setPolicy, "m", model, "i", onAlert);
        assertThat(refused.codes()).as(refused.message()).containsExactly("FORBIDDEN");
        JsonPath policy = GraphQL.as("alice").data(setPolicy, "m", model, "i", onAlert);
        assertThat(policy.getString("setRetrainingPolicy.alias")).isEqualTo("champion");
        // An idle deployment breaks a minimum volume: the alert that starts the loop.
        GraphQL.as("alice").data(CREATE_MONITOR, "input", Map.of("deployment", deployment, "kind", "VOLUME", "minRows", 1));

        Map<String, Object> retraining = await(Duration.ofSeconds(180), "a REQUESTED retraining", () -> {
            List<Map<String, Object>> rows = GraphQL.as("carol").data(RETRAININGS, "m", model).getList("retrainings");
            return rows.stream().filter(r -> !"TRAINING".equals(r.get("status"))).findFirst().orElse(null);
        });
        assertThat(retraining).as(String.valueOf(retraining.get("error"))).containsEntry("status", "REQUESTED")
                .containsEntry("trigger", "ON_ALERT").containsEntry("sourceVersion", 1).containsEntry("datasetId", v2)
                .containsEntry("newVersion", 2);
        assertThat(GraphQL.as("carol").data(RETRAININGS, "m", model).getList("retrainings")).hasSize(1);

        String request = (String) retraining.get("promotionRequestId");
        JsonPath opened = GraphQL.as("bob").data("query($id: ID!) { promotionRequest(id: $id) { status version alias requestedBy"
                + " evidence { drift } } }", "id", request);
        assertThat(opened.getString("promotionRequest.requestedBy")).isEqualTo("system");
        assertThat(opened.getInt("promotionRequest.version")).isEqualTo(2);
        assertThat(JsonPath.from(opened.getString("promotionRequest.evidence.drift")).getString("deployment")).isEqualTo(deployment);
        assertThat(GraphQL.as("bob").data("mutation($id: ID!) { approvePromotion(requestId: $id) { status } }", "id", request)
                .getString("approvePromotion.status")).isEqualTo("APPROVED");
        assertThat(GraphQL.as("carol").data("query($n: String!) { deployment(name: $n) { version } }", "n", deployment)
                .getInt("deployment.version")).isEqualTo(2);

        String run = GraphQL.as("alice").data("query($id: ID!) { job(id: $id) { runId } }", "id", retraining.get("jobId"))
                .getString("job.runId");
        assertThat(query("select kind from lineage_edge where from_node = ? and to_node = ?", "alert:" + retraining.get("alertId"),
                "run:" + run)).singleElement().satisfies(row -> assertThat(row[0]).isEqualTo("TRIGGERED"));
        assertThat(query("select action, actor_name from audit_event where resource_id = ? order by sequence", retraining.get("id")))
                .extracting(row -> row[0] + " by " + row[1]).containsExactly("RETRAINING_STARTED by system", "RETRAINING_REQUESTED by system");
    }

    private static String upload(String name, String csv) {
        return given().header("Authorization", "Bearer " + Tokens.of("alice")).contentType("text/csv").body(csv)
                .post("/api/datasets?name=" + name + "&types=plan:TEXT,region:TEXT").then().statusCode(201).extract().path("id");
    }
}
