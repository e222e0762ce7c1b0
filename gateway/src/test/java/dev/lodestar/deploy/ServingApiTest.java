package dev.lodestar.deploy;

import static dev.lodestar.testing.Fixtures.createModel;
import static dev.lodestar.testing.Fixtures.createReadyVersion;
import static dev.lodestar.testing.Fixtures.tribuoModel;
import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * The inference servers' REST side of the control plane, called with a real token of the {@code lodestar-inference}
 * client (client credentials): the desired state with its revision as ETag, artifacts, and replica reports that make
 * deployments ready.
 */
@QuarkusTest
class ServingApiTest {

    static final String CREATE = """
            mutation($name: String!, $model: String!, $version: Int) {
              createDeployment(name: $name, model: $model, version: $version) { name }
            }""";

    static final String UPDATE = """
            mutation($name: String!, $input: UpdateDeploymentInput!) { updateDeployment(name: $name, input: $input) { revision } }""";

    static final String LIVE = """
            query($name: String!) {
              deployment(name: $name) {
                ready version replicas { replica address revision reportedAt stale versions { version role state error loadMillis } }
              }
            }""";

    @Test
    void theDesiredStateNamesEveryVersionsArtifactAndAnswers304WhileUnchanged() throws Exception {
        String model = createModel(unique("desired"));
        int v1 = createReadyVersion(model, tribuoModel("churn-logistic"));
        int v2 = createReadyVersion(model, tribuoModel("spend-linear"));
        String name = unique("desired");
        GraphQL.as("alice").data(CREATE, "name", name, "model", model, "version", v1);
        GraphQL.as("alice").data(UPDATE, "name", name, "input", Map.of("canary", Map.of("version", v2, "percent", 25)));

        Response first = desiredState(null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.contentType()).startsWith("application/json");
        JsonPath state = first.jsonPath();
        long revision = state.getLong("revision");
        assertThat(first.header("ETag")).isEqualTo("\"" + revision + "\"");
        Map<String, Object> entry = state.getMap("deployments.find { it.name == '" + name + "' }");
        assertThat(entry).containsEntry("model", model).containsEntry("shadow", null).containsKey("canary");
        assertThat(state.getInt("deployments.find { it.name == '" + name + "' }.primary.version")).isEqualTo(v1);
        assertThat(state.getMap("deployments.find { it.name == '" + name + "' }.primary")).doesNotContainKey("percent");
        assertThat(state.getInt("deployments.find { it.name == '" + name + "' }.canary.percent")).isEqualTo(25);

        String artifact = state.getString("deployments.find { it.name == '" + name + "' }.primary.artifactId");
        String sha256 = state.getString("deployments.find { it.name == '" + name + "' }.primary.sha256");
        byte[] bytes = given().auth().oauth2(Tokens.inferenceServer()).get("/api/artifacts/" + artifact)
                .then().statusCode(200).extract().asByteArray();
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).isEqualTo(sha256);
        assertThat(bytes).isEqualTo(tribuoModel("churn-logistic"));

        Response unchanged = desiredState(first.header("ETag"));
        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(unchanged.header("ETag")).isEqualTo(first.header("ETag"));
        assertThat(unchanged.asString()).isEmpty();

        GraphQL.as("alice").data(UPDATE, "name", name, "input", Map.of("clearCanary", true));
        Response changed = desiredState(first.header("ETag"));
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.jsonPath().getLong("revision")).isGreaterThan(revision);
        assertThat(changed.jsonPath().getMap("deployments.find { it.name == '" + name + "' }")).containsEntry("canary", null);

        GraphQL.as("alice").data("mutation($n: String!) { deleteDeployment(name: $n) { name } }", "n", name);
        assertThat(desiredState(changed.header("ETag")).jsonPath().getList("deployments.name")).doesNotContain(name);
    }

    @Test
    void onlyInferenceServersReadTheDesiredStateAndReport() {
        given().get("/api/serving/desired-state").then().statusCode(401);
        given().contentType(ContentType.JSON).body(report("a:1", 1, List.of())).put("/api/serving/replicas/r1").then().statusCode(401);
        for (String user : List.of("alice", "carol", "dave")) {
            var refused = given().auth().oauth2(Tokens.of(user)).get("/api/serving/desired-state");
            assertThat(refused.statusCode()).as(user).isEqualTo(403);
            assertThat(refused.jsonPath().getString("code")).isEqualTo("FORBIDDEN");
        }
        given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON).body(report("a:1", 1, List.of()))
                .put("/api/serving/replicas/r1").then().statusCode(403);
        given().auth().oauth2(Tokens.inferenceServer()).contentType("application/octet-stream").body(new byte[] { 1 })
                .post("/api/artifacts").then().statusCode(403);
    }

    @Test
    void aFreshReplicaServingThePrimaryMakesTheDeploymentReadyUntilItGoesStale() throws SQLException {
        String model = createModel(unique("live"));
        int v1 = createReadyVersion(model, tribuoModel("churn-logistic"));
        int v2 = createReadyVersion(model, tribuoModel("churn-logistic"));
        String name = unique("live");
        GraphQL.as("alice").data(CREATE, "name", name, "model", model, "version", v1);
        String replica = unique("replica");

        putReport(replica, report("10.0.0.7:9090", 5, List.of(Map.of("name", name, "versions", List.of(
                version(v1, "PRIMARY", "LOADING", null, null)))))).then().statusCode(204);
        assertThat(GraphQL.as("carol").data(LIVE, "name", name).getBoolean("deployment.ready")).isFalse();

        putReport(replica, report("10.0.0.7:9090", 6, List.of(Map.of("name", name, "versions", List.of(
                version(v1, "PRIMARY", "READY", null, 812), version(v2, "CANARY", "FAILED", "bad bytes", null))))))
                .then().statusCode(204);
        JsonPath live = GraphQL.as("carol").data(LIVE, "name", name);
        assertThat(live.getBoolean("deployment.ready")).isTrue();
        assertThat(live.getList("deployment.replicas.replica")).containsExactly(replica);
        assertThat(live.getString("deployment.replicas[0].address")).isEqualTo("10.0.0.7:9090");
        assertThat(live.getInt("deployment.replicas[0].revision")).isEqualTo(6);
        assertThat(live.getBoolean("deployment.replicas[0].stale")).isFalse();
        assertThat(live.getList("deployment.replicas[0].versions.state")).containsExactly("READY", "FAILED");
        assertThat(live.getString("deployment.replicas[0].versions[1].error")).isEqualTo("bad bytes");
        assertThat(live.getInt("deployment.replicas[0].versions[0].loadMillis")).isEqualTo(812);

        // The desired primary moves on: the replica still serving the old one does not make it ready.
        GraphQL.as("alice").data(UPDATE, "name", name, "input", Map.of("version", v2));
        assertThat(GraphQL.as("carol").data(LIVE, "name", name).getBoolean("deployment.ready")).isFalse();
        putReport(replica, report("10.0.0.7:9090", 7, List.of(Map.of("name", name, "versions", List.of(
                version(v2, "PRIMARY", "READY", null, 700), version(v1, "PRIMARY", "DRAINING", null, 812))))))
                .then().statusCode(204);
        assertThat(GraphQL.as("carol").data(LIVE, "name", name).getBoolean("deployment.ready")).isTrue();

        try (Connection db = DeploymentGraphQLTest.connect()) {
            db.createStatement().executeUpdate("update serving_replica set reported_at = now() - interval '31 seconds'"
                    + " where replica_id = '" + replica + "'");
        }
        JsonPath stale = GraphQL.as("carol").data(LIVE, "name", name);
        assertThat(stale.getBoolean("deployment.ready")).isFalse();
        assertThat(stale.getBoolean("deployment.replicas[0].stale")).isTrue();
    }

    @Test
    void malformedReportsAreRefusedWithTheirReason() {
        String replica = unique("bad");
        var notJson = putReport(replica, "{\"address\": ");
        var noAddress = putReport(replica, report("", 1, List.of()));
        var badState = putReport(replica, report("h:1", 1, List.of(Map.of("name", "d", "versions", List.of(
                version(1, "PRIMARY", "SLEEPING", null, null))))));
        var badId = putReport("bad id!", report("h:1", 1, List.of()));

        for (var refused : List.of(notJson, noAddress, badState, badId)) {
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.jsonPath().getString("code")).isEqualTo("INVALID_ARGUMENT");
        }
        assertThat(badState.jsonPath().getString("message")).contains("SLEEPING");
    }

    private static Response desiredState(String ifNoneMatch) {
        var request = given().auth().oauth2(Tokens.inferenceServer());
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return request.get("/api/serving/desired-state");
    }

    private static Response putReport(String replica, Object body) {
        var request = given().auth().oauth2(Tokens.inferenceServer()).contentType(ContentType.JSON);
        return (body instanceof String text ? request.body(text) : request.body(body)).put("/api/serving/replicas/" + replica);
    }

    static Map<String, Object> report(String address, long revision, List<Map<String, Object>> deployments) {
        return Map.of("address", address, "revision", revision, "deployments", deployments);
    }

    static Map<String, Object> version(int version, String role, String state, String error, Integer loadMillis) {
        Map<String, Object> entry = new java.util.HashMap<>();
        entry.put("version", version);
        entry.put("role", role);
        entry.put("state", state);
        entry.put("error", error);
        entry.put("loadMillis", loadMillis);
        return entry;
    }
}
