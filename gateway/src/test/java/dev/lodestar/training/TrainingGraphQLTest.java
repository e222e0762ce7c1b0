package dev.lodestar.training;

import static dev.lodestar.testing.Fixtures.createExperiment;
import static dev.lodestar.testing.Fixtures.pair;
import static dev.lodestar.testing.Fixtures.unique;
import static dev.lodestar.training.TrainingFixtures.JOB;
import static dev.lodestar.training.TrainingFixtures.TRAIN;
import static dev.lodestar.training.TrainingFixtures.await;
import static dev.lodestar.training.TrainingFixtures.churnDataset;
import static dev.lodestar.training.TrainingFixtures.dataset;
import static dev.lodestar.training.TrainingFixtures.finished;
import static dev.lodestar.training.TrainingFixtures.input;
import static dev.lodestar.testing.TestDatabase.query;
import static dev.lodestar.testing.TestDatabase.update;
import static dev.lodestar.training.TrainingFixtures.train;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.transform.TransformedModel;

import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;
import dev.lodestar.tribuo.InputSchema;
import dev.lodestar.tribuo.TribuoModels;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Training jobs through {@code /graphql}: every trainer and task, gates, cancellation, retries, refusals, roles. */
@QuarkusTest
class TrainingGraphQLTest {

    @Test
    void everyTrainerTrainsEveryTaskItSupportsAndRegistersAReadyVersion() {
        String experiment = createExperiment(unique("training"));
        String dataset = churnDataset(1000, 7, 0);
        Map<String, String> jobs = new LinkedHashMap<>();
        for (String trainer : List.of("LOGISTIC_REGRESSION", "LINEAR_SGD", "CART", "RANDOM_FOREST", "XGBOOST")) {
            jobs.put(trainer + "/CLASSIFICATION", train(input(experiment, dataset, "churned", "CLASSIFICATION", trainer,
                    unique("churn-" + trainer.toLowerCase().replace('_', '-')),
                    "params", trainer.contains("SGD") || trainer.contains("LOGISTIC") ? List.of(pair("epochs", "30")) : List.of())));
            if (!trainer.equals("LOGISTIC_REGRESSION")) {
                jobs.put(trainer + "/REGRESSION", train(input(experiment, dataset, "lifetime_value", "REGRESSION", trainer,
                        unique("value-" + trainer.toLowerCase().replace('_', '-')),
                        "params", trainer.equals("LINEAR_SGD") ? List.of(pair("epochs", "100")) : List.of())));
            }
        }
        for (Map.Entry<String, String> entry : jobs.entrySet()) {
            JsonPath job = finished(entry.getValue());
            assertThat(job.getString("job.status")).as(entry.getKey() + ": " + job.getString("job.error")).isEqualTo("SUCCEEDED");
            assertThat(job.getDouble("job.progress")).isEqualTo(1.0);
            Map<String, Float> metrics = metrics(job);
            if (entry.getKey().endsWith("CLASSIFICATION")) {
                assertThat(metrics).as(entry.getKey()).containsKeys("accuracy", "macro_f1", "auc");
                assertThat(metrics.get("accuracy")).as(entry.getKey() + " accuracy").isGreaterThan(0.85f);
                assertThat(metrics.get("auc")).as(entry.getKey() + " auc").isGreaterThan(0.85f);
            } else {
                assertThat(metrics).as(entry.getKey()).containsKeys("rmse", "mae", "r2");
                assertThat(metrics.get("r2")).as(entry.getKey() + " r2").isGreaterThan(0.8f);
            }
            String name = job.getString("job.modelVersion.name");
            int version = job.getInt("job.modelVersion.version");
            assertThat(Fixtures.awaitRegistered(name, version)).as(entry.getKey()).isEqualTo("READY");
            JsonPath registered = GraphQL.as("alice").data(JOB, "id", entry.getValue());
            assertThat(registered.getString("job.modelVersion.format")).isEqualTo("TRIBUO");
            assertThat(registered.getString("job.modelVersion.runId")).isEqualTo(job.getString("job.runId"));
            assertThat(registered.getList("job.modelVersion.signature.name")).containsExactly("tenure_months", "monthly_charges",
                    "plan", "support_calls", "region", entry.getKey().endsWith("CLASSIFICATION") ? "lifetime_value" : "churned");
            assertThat(registered.getList("job.modelVersion.signature.type")).contains("NUMBER", "TEXT");
            assertThat(lineage(job.getString("job.runId"))).containsExactlyInAnyOrder(
                    "dataset:" + dataset + " -> run:" + job.getString("job.runId") + " TRAINED_ON",
                    "run:" + job.getString("job.runId") + " -> model:" + name + ":" + version + " PRODUCED");
        }
        JsonPath run = GraphQL.as("alice").data("query($id: ID!) { run(id: $id) { status params { key value } tags { key value } } }",
                "id", finished(jobs.get("XGBOOST/CLASSIFICATION")).getString("job.runId"));
        assertThat(run.getString("run.status")).isEqualTo("FINISHED");
        assertThat(run.getList("run.params.key")).contains("trees", "eta", "seed", "missing", "trainer", "task", "dataset");
        assertThat(run.getList("run.tags.key")).contains("lodestar.job", "lodestar.dataset");
    }

    @Test
    void aLogisticModelStandardizesItsNumbersSoItsScoresAreNotSaturated() throws Exception {
        String experiment = createExperiment(unique("standardized"));
        String dataset = churnDataset(1000, 7, 0);

        JsonPath job = finished(train(input(experiment, dataset, "churned", "CLASSIFICATION", "LOGISTIC_REGRESSION",
                unique("churn-standardized"))));

        assertThat(job.getString("job.status")).as(job.getString("job.error")).isEqualTo("SUCCEEDED");
        assertThat(Fixtures.awaitRegistered(job.getString("job.modelVersion.name"), job.getInt("job.modelVersion.version")))
                .isEqualTo("READY");
        JsonPath registered = GraphQL.as("alice").data(JOB, "id", job.getString("job.id"));
        assertThat(registered.getList("job.modelVersion.signature.name")).containsExactly("tenure_months", "monthly_charges",
                "plan", "support_calls", "region", "lifetime_value");
        JsonPath run = GraphQL.as("alice").data("query($id: ID!) { run(id: $id) { params { key value } } }", "id",
                job.getString("job.runId"));
        assertThat(run.getList("run.params.key")).contains("standardize");
        assertThat(run.getString("run.params.find { it.key == 'standardize' }.value")).isEqualTo("true");

        byte[] bytes = given().header("Authorization", "Bearer " + Tokens.of("alice"))
                .get("/api/artifacts/" + registered.getString("job.modelVersion.artifactId"))
                .then().statusCode(200).extract().asByteArray();
        @SuppressWarnings("unchecked")
        Model<Label> model = (Model<Label>) TribuoModels.read(new ByteArrayInputStream(bytes));
        assertThat(model).isInstanceOf(TransformedModel.class);
        InputSchema schema = InputSchema.of(model);
        String[] lines = SyntheticChurn.csv(300, 8, 0).split("\n");
        int unsaturated = 0;
        for (String line : List.of(lines).subList(1, lines.length)) {
            String[] cells = line.split(",");
            Object[] row = { Double.valueOf(cells[0]), Double.valueOf(cells[1]), cells[2], Double.valueOf(cells[3]), cells[4],
                    Double.valueOf(cells[6]) };
            double churn = model.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, schema.encode(row)))
                    .getOutputScores().get("1").getScore();
            if (churn > 0.05 && churn < 0.95) {
                unsaturated++;
            }
        }
        assertThat(unsaturated).as("rows scored between 0.05 and 0.95, of 300").isGreaterThan(30);
    }

    @Test
    void aModelUnderAGateIsRecordedButNotReadyWithTheReason() {
        String experiment = createExperiment(unique("gates"));
        String dataset = churnDataset(300, 11, 0.3);
        String model = unique("gated");

        JsonPath job = finished(train(input(experiment, dataset, "churned", "CLASSIFICATION", "CART", model,
                "minMetrics", List.of(pair("accuracy", "0.99")))));

        assertThat(job.getString("job.status")).isEqualTo("FAILED");
        assertThat(job.getString("job.error")).startsWith("evaluation gate: accuracy 0.").contains("is below the minimum 0.9900");
        assertThat(job.getString("job.modelVersion.status")).isEqualTo("FAILED_REGISTRATION");
        assertThat(job.getString("job.modelVersion.statusMessage")).isEqualTo(job.getString("job.error"));
        assertThat(metrics(job)).containsKey("accuracy");

        JsonPath regression = finished(train(input(experiment, dataset, "lifetime_value", "REGRESSION", "CART", model,
                "minMetrics", List.of(pair("rmse", "0.5")))));
        assertThat(regression.getString("job.error")).contains("rmse").contains("is above the maximum 0.5000");
    }

    @Test
    void missingValuesAreImputedOrRefusedNamingLineAndColumn() {
        String experiment = createExperiment(unique("missing"));
        String csv = "x,colour,y\n1,red,0\n2,,0\n3,blue,0\n,red,1\n5,blue,1\n6,red,1\n7,blue,1\n8,red,1\n";
        String dataset = dataset(unique("holes"), csv, Map.of("colour", "TEXT"));

        JsonPath imputed = finished(train(input(experiment, dataset, "y", "CLASSIFICATION", "CART", unique("holes"),
                "holdoutFraction", 0.25)));
        JsonPath refused = finished(train(input(experiment, dataset, "y", "CLASSIFICATION", "CART", unique("holes"),
                "params", List.of(pair("missing", "refuse")))));

        assertThat(imputed.getString("job.status")).as(imputed.getString("job.error")).isEqualTo("SUCCEEDED");
        assertThat(imputed.getList("job.logs.line").toString()).contains("missing numbers imputed with the training mean");
        assertThat(refused.getString("job.status")).isEqualTo("FAILED");
        assertThat(refused.getString("job.error")).isEqualTo("line 3, column 'colour': the value is missing and params say missing=refuse");
        assertThat(refused.getString("job.modelVersion")).isNull();
    }

    @Test
    void aQueuedJobIsCancelledAtOnceAndARunningOneAtItsNextCheckpoint() {
        String experiment = createExperiment(unique("cancel"));
        String big = churnDataset(4000, 3, 0.05);
        String slow = train(input(experiment, big, "churned", "CLASSIFICATION", "RANDOM_FOREST", unique("slow"),
                "params", List.of(pair("trees", "300"), pair("maxDepth", "20"))));
        String queued = train(input(experiment, big, "churned", "CLASSIFICATION", "CART", unique("never")));
        await(slow, Duration.ofSeconds(60), "RUNNING");

        JsonPath cancelledQueued = GraphQL.as("alice").data("mutation($id: ID!) { cancelJob(id: $id) { status } }", "id", queued);
        JsonPath cancelling = GraphQL.as("alice").data("mutation($id: ID!) { cancelJob(id: $id) { status cancelRequested } }", "id", slow);

        assertThat(cancelledQueued.getString("cancelJob.status")).isIn("CANCELLED", "RUNNING");
        assertThat(cancelling.getBoolean("cancelJob.cancelRequested")).isTrue();
        JsonPath stopped = finished(slow);
        assertThat(stopped.getString("job.status")).isEqualTo("CANCELLED");
        assertThat(stopped.getString("job.modelVersion")).isNull();
        assertThat(GraphQL.as("alice").data("query($id: ID!) { run(id: $id) { status } }", "id", stopped.getString("job.runId"))
                .getString("run.status")).isEqualTo("KILLED");
        assertThat(finished(queued).getString("job.status")).isEqualTo("CANCELLED");
        assertThat(GraphQL.as("alice").call("mutation($id: ID!) { cancelJob(id: $id) { status } }", "id", slow).codes())
                .containsExactly("CONFLICT");
        assertThat(query("select action, actor_name from audit_event where resource_id = ? order by at", slow).stream()
                .map(r -> r[0] + " by " + r[1]).toList())
                .containsExactly("JOB_QUEUED by alice", "JOB_CANCEL_REQUESTED by alice", "JOB_CANCELLED by system");
    }

    @Test
    void aJobWhoseWorkerDiedIsRetriedOnceItsLeaseRunsOutAndGivenUpAfterTheLastAttempt() {
        String experiment = createExperiment(unique("lease"));
        String dataset = churnDataset(200, 5, 0);
        String template = train(input(experiment, dataset, "churned", "CLASSIFICATION", "CART", unique("lease")));
        finished(template);
        UUID crashed = UUID.randomUUID();
        UUID exhausted = UUID.randomUUID();
        for (Object[] job : List.of(new Object[] { crashed, 1 }, new Object[] { exhausted, 3 })) {
            update("insert into training_job (id, status, spec, progress, stage, attempts, lease_owner, lease_until, created_by, created_at, started_at)"
                    + " select ?, 'RUNNING', spec, 0.25, 'training', ?, 'crashed-gateway/0', now() - interval '1 second', 'alice', now(), now()"
                    + " from training_job where id = ?", job[0], job[1], UUID.fromString(template));
        }

        JsonPath retried = finished(crashed.toString());
        JsonPath givenUp = finished(exhausted.toString());

        assertThat(retried.getString("job.status")).as(retried.getString("job.error")).isEqualTo("SUCCEEDED");
        assertThat(retried.getInt("job.attempts")).isEqualTo(2);
        assertThat(retried.getList("job.logs.line").toString()).contains("lease held by crashed-gateway/0 ran out", "attempt 2 started");
        assertThat(givenUp.getString("job.status")).isEqualTo("FAILED");
        assertThat(givenUp.getString("job.error")).startsWith("given up after 3 attempts");
    }

    @Test
    void requestsAreCheckedBeforeAnythingIsQueued() {
        String experiment = createExperiment(unique("refusals"));
        String dataset = churnDataset(50, 1, 0);
        String fractional = dataset(unique("fractional"), "x,y\n1,0.5\n2,1.5\n", Map.of());
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] { input("999999999", dataset, "churned", "CLASSIFICATION", "CART", "m"), "NOT_FOUND", "999999999" });
        cases.add(new Object[] { input(experiment, UUID.randomUUID().toString(), "churned", "CLASSIFICATION", "CART", "m"), "NOT_FOUND", "dataset" });
        cases.add(new Object[] { input(experiment, dataset, "colour", "CLASSIFICATION", "CART", "m"), "INVALID_ARGUMENT", "'colour' is not a column" });
        cases.add(new Object[] { input(experiment, dataset, "plan", "REGRESSION", "CART", "m"), "INVALID_ARGUMENT", "REGRESSION needs a NUMBER target" });
        cases.add(new Object[] { input(experiment, fractional, "y", "CLASSIFICATION", "CART", "m"), "INVALID_ARGUMENT", "the value 0.5 on line 2" });
        cases.add(new Object[] { input(experiment, dataset, "churned", "CLASSIFICATION", "CART", "m", "holdoutFraction", 1.0), "INVALID_ARGUMENT", "holdoutFraction" });
        cases.add(new Object[] { input(experiment, dataset, "churned", "CLASSIFICATION", "CART", "m", "params", List.of(pair("colour", "red"))),
                "INVALID_ARGUMENT", "'colour' is not a param of CART" });
        cases.add(new Object[] { input(experiment, dataset, "churned", "CLASSIFICATION", "XGBOOST", "m", "params", List.of(pair("trees", "many"))),
                "INVALID_ARGUMENT", "'trees' must be a whole number" });
        cases.add(new Object[] { input(experiment, dataset, "churned", "CLASSIFICATION", "CART", "m", "minMetrics", List.of(pair("rmse", "1"))),
                "INVALID_ARGUMENT", "'rmse' is not a metric of CLASSIFICATION" });
        cases.add(new Object[] { input(experiment, dataset, "lifetime_value", "REGRESSION", "LOGISTIC_REGRESSION", "m"),
                "INVALID_ARGUMENT", "classifiers only" });
        for (Object[] refusal : cases) {
            GraphQL.Response response = GraphQL.as("alice").call(TRAIN, "input", refusal[0]);
            assertThat(response.codes()).as(response.body()).containsExactly((String) refusal[1]);
            assertThat(response.message()).contains((String) refusal[2]);
        }
    }

    @Test
    void onlyDataScientistsTrainAndEveryRoleReads() {
        String experiment = createExperiment(unique("roles"));
        String dataset = churnDataset(50, 2, 0);
        Map<String, Object> request = input(experiment, dataset, "churned", "CLASSIFICATION", "CART", unique("roles"));

        assertThat(GraphQL.anonymous().call(TRAIN, "input", request).codes()).containsExactly("UNAUTHENTICATED");
        assertThat(GraphQL.as("carol").call(TRAIN, "input", request).codes()).containsExactly("FORBIDDEN");
        assertThat(GraphQL.as("bob").call(TRAIN, "input", request).codes()).containsExactly("FORBIDDEN");
        String job = train(request);
        assertThat(GraphQL.as("carol").call("mutation($id: ID!) { cancelJob(id: $id) { status } }", "id", job).codes())
                .containsExactly("FORBIDDEN");
        assertThat(GraphQL.as("carol").data("query($id: ID!) { job(id: $id) { createdBy } }", "id", job).getString("job.createdBy"))
                .isEqualTo("alice");
        assertThat(GraphQL.anonymous().call("{ jobs { totalCount } }").codes()).containsExactly("UNAUTHENTICATED");
        JsonPath listed = GraphQL.as("bob").data("{ jobs(first: 500) { edges { node { id status } } totalCount } }");
        assertThat(listed.getList("jobs.edges.node.id")).contains(job);
        assertThat(GraphQL.as("alice").data("query($id: ID!) { job(id: $id) { id } }", "id", UUID.randomUUID().toString())
                .getString("job")).isNull();
        finished(job);
    }

    private static Map<String, Float> metrics(JsonPath job) {
        Map<String, Float> metrics = new LinkedHashMap<>();
        List<String> keys = job.getList("job.metrics.key");
        List<Float> values = job.getList("job.metrics.value", Float.class);
        for (int i = 0; i < keys.size(); i++) {
            metrics.put(keys.get(i), values.get(i));
        }
        return metrics;
    }

    private static List<String> lineage(String runId) {
        return query("select from_node, to_node, kind from lineage_edge where from_node = ? or to_node = ?", "run:" + runId, "run:" + runId)
                .stream().map(r -> r[0] + " -> " + r[1] + " " + r[2]).toList();
    }
}
