package dev.lodestar.mlflow;

import static dev.lodestar.testing.Fixtures.createModel;
import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** MLflow's error codes and statuses, its roles, its audit and idempotency keys, over raw HTTP. */
@QuarkusTest
class MlflowErrorsTest {

    private static final String API = "/api/2.0/mlflow/";

    @Test
    void anUnknownExperimentIsResourceDoesNotExist() {
        as("alice").queryParam("experiment_id", "987654321").get(API + "experiments/get")
                .then().statusCode(404).contentType(ContentType.JSON)
                .body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"))
                .body("message", containsString("987654321"));
        as("alice").queryParam("run_id", "not-a-run").get(API + "runs/get")
                .then().statusCode(404).body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));
        as("alice").queryParam("name", unique("nobody")).get(API + "registered-models/get")
                .then().statusCode(404).body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));
    }

    @Test
    void badParametersAreInvalidParameterValue() {
        String experiment = createExperiment(unique("mlflow-bad"));
        String run = as("alice").body(Map.of("experiment_id", experiment)).post(API + "runs/create")
                .then().statusCode(200).extract().path("run.info.run_id");

        as("alice").body(Map.of("run_id", run, "key", "acc", "value", "high", "timestamp", 1)).post(API + "runs/log-metric")
                .then().statusCode(400).body("error_code", equalTo("INVALID_PARAMETER_VALUE"))
                .body("message", containsString("value"));
        as("alice").body(Map.of("run_id", run, "key", "bad key!", "value", 1.0, "timestamp", 1)).post(API + "runs/log-metric")
                .then().statusCode(400).body("error_code", equalTo("INVALID_PARAMETER_VALUE"));
        as("alice").body(Map.of("experiment_ids", List.of(experiment), "filter", "metrics.acc >")).post(API + "runs/search")
                .then().statusCode(400).body("error_code", equalTo("INVALID_PARAMETER_VALUE"));
        as("alice").body(Map.of()).post(API + "experiments/create")
                .then().statusCode(400).body("error_code", equalTo("INVALID_PARAMETER_VALUE"))
                .body("message", containsString("name"));
        as("alice").body(Map.of("run_id", run, "key", "lr", "value", "0.1")).post(API + "runs/log-parameter").then().statusCode(200);
        as("alice").body(Map.of("run_id", run, "key", "lr", "value", "0.2")).post(API + "runs/log-parameter")
                .then().statusCode(400).body("error_code", equalTo("INVALID_PARAMETER_VALUE"));
    }

    @Test
    void malformedJsonIsAnMlflowErrorWithoutInternals() {
        as("alice").body("{\"name\": ").post(API + "experiments/create")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error_code", equalTo("BAD_REQUEST"))
                .body(not(containsString("Exception")))
                .body(not(containsString("jackson")));
    }

    @Test
    void malformedUtf8IsRefusedNotStoredAsReplacementCharacters() {
        String name = unique("mlflow-utf8");
        byte[] head = ("{\"name\": \"" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = java.util.Arrays.copyOf(head, head.length + 4);
        // 0xC3 opens a two-byte sequence that '(' does not continue.
        body[head.length] = (byte) 0xC3;
        body[head.length + 1] = '(';
        body[head.length + 2] = '"';
        body[head.length + 3] = '}';

        as("alice").body(body).post(API + "experiments/create")
                .then().statusCode(400).body("error_code", equalTo("BAD_REQUEST"))
                .body("message", containsString("UTF-8"));
        List<Object> found = as("alice").body(Map.of("filter", "name LIKE '%" + name + "%'")).post(API + "experiments/search")
                .then().statusCode(200).extract().path("experiments");
        assertThat(found == null ? List.of() : found).isEmpty();
    }

    @Test
    void writesRepeatedUnderAnIdempotencyKeyAreStoredOnce() {
        String experiment = createExperiment(unique("mlflow-idempotent"));
        String run = as("alice").body(Map.of("experiment_id", experiment)).post(API + "runs/create")
                .then().statusCode(200).extract().path("run.info.run_id");
        Map<String, Object> batch = Map.of("run_id", run, "metrics", List.of(
                Map.of("key", "acc", "value", 0.8, "timestamp", 1_700_000_000_000L, "step", 1)));
        Map<String, Object> point = Map.of("run_id", run, "key", "acc", "value", 0.9, "timestamp", 1_700_000_000_001L, "step", 2);

        for (int attempt = 0; attempt < 2; attempt++) {
            as("alice").header("Idempotency-Key", "b-1").body(batch).post(API + "runs/log-batch").then().statusCode(200);
            as("alice").header("Idempotency-Key", "m-1").body(point).post(API + "runs/log-metric").then().statusCode(200);
        }
        as("alice").header("Idempotency-Key", "x".repeat(256)).body(batch).post(API + "runs/log-batch")
                .then().statusCode(400).body("error_code", equalTo("INVALID_PARAMETER_VALUE"));

        List<Object> history = as("alice").queryParam("run_id", run).queryParam("metric_key", "acc")
                .get(API + "metrics/get-history").then().statusCode(200).extract().path("metrics.step");
        assertThat(history).containsExactly(1, 2);
    }

    @Test
    void aTakenNameIsResourceAlreadyExists() {
        String name = unique("mlflow-taken");
        createExperiment(name);

        as("alice").body(Map.of("name", name)).post(API + "experiments/create")
                .then().statusCode(400).body("error_code", equalTo("RESOURCE_ALREADY_EXISTS"));
    }

    @Test
    void withoutAValidTokenTheAnswerIsUnauthenticated() {
        given().queryParam("experiment_id", "1").get(API + "experiments/get")
                .then().statusCode(401).body("error_code", equalTo("UNAUTHENTICATED"));
        given().header("Authorization", "Bearer not-a-token").contentType(ContentType.JSON).body(Map.of("name", "x"))
                .post(API + "experiments/create")
                .then().statusCode(401).body("error_code", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void rolesAreThoseOfTheGraphQLApi() {
        String experiment = createExperiment(unique("mlflow-roles"));

        as("carol").body(Map.of("name", unique("carols"))).post(API + "experiments/create")
                .then().statusCode(403).body("error_code", equalTo("PERMISSION_DENIED"));
        as("bob").body(Map.of("experiment_id", experiment)).post(API + "runs/create")
                .then().statusCode(403).body("error_code", equalTo("PERMISSION_DENIED"));
        as("carol").queryParam("experiment_id", experiment).get(API + "experiments/get")
                .then().statusCode(200).body("experiment.experiment_id", equalTo(experiment));
        as("dave").body(Map.of("experiment_ids", List.of(experiment))).post(API + "runs/search").then().statusCode(200);
    }

    @Test
    void whatLodestarDoesNotOfferIsRefusedInMlflowTerms() {
        String model = createModel(unique("mlflow-kept"));

        as("alice").body(Map.of("name", model)).delete(API + "registered-models/delete")
                .then().statusCode(501).body("error_code", equalTo("NOT_IMPLEMENTED"));
        as("alice").get(API + "experiments/no-such-call")
                .then().statusCode(404).body("error_code", equalTo("ENDPOINT_NOT_FOUND"));
        as("alice").body(Map.of("name", model, "source", "runs:/abc/model")).post(API + "model-versions/create")
                .then().statusCode(400).body("error_code", equalTo("INVALID_PARAMETER_VALUE"))
                .body("message", containsString("lodestar-artifacts:/"));
    }

    @Test
    void changesMadeThroughMlflowAreAuditedAsTheCaller() throws SQLException {
        String experiment = createExperiment(unique("mlflow-audited"));
        String run = as("alice").body(Map.of("experiment_id", experiment, "run_name", "audited")).post(API + "runs/create")
                .then().statusCode(200).extract().path("run.info.run_id");
        as("alice").body(Map.of("run_id", run, "metrics", List.of(Map.of("key", "acc", "value", 0.9, "timestamp", "1700000000000",
                "step", "1")))).post(API + "runs/log-batch").then().statusCode(200);
        as("alice").body(Map.of("run_id", run)).post(API + "runs/delete").then().statusCode(200);

        assertThat(events("EXPERIMENT", experiment)).containsExactly("EXPERIMENT_CREATED by alice");
        assertThat(events("RUN", run)).containsExactly("RUN_CREATED by alice", "RUN_LOGGED by alice", "RUN_DELETED by alice");
    }

    private static String createExperiment(String name) {
        return as("alice").body(Map.of("name", name)).post(API + "experiments/create")
                .then().statusCode(200).extract().path("experiment_id");
    }

    private static RequestSpecification as(String user) {
        return given().header("Authorization", "Bearer " + Tokens.of(user)).contentType(ContentType.JSON);
    }

    private static List<String> events(String type, String id) throws SQLException {
        TestStack.Addresses stack = TestStack.get();
        try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
                PreparedStatement query = db.prepareStatement("select action, actor_name from audit_event"
                        + " where resource_type = ? and resource_id = ? order by sequence")) {
            query.setString(1, type);
            query.setString(2, id);
            List<String> events = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(rows.getString(1) + " by " + rows.getString(2));
                }
            }
            return events;
        }
    }
}
