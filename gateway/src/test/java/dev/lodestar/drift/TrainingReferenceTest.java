package dev.lodestar.drift;

import static dev.lodestar.drift.DriftFixtures.REPORT;
import static dev.lodestar.testing.TestDatabase.count;
import static dev.lodestar.testing.TestDatabase.query;
import static dev.lodestar.testing.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.lodestar.deploy.model.PredictionId;
import dev.lodestar.drift.sketch.ColumnKind;
import dev.lodestar.drift.sketch.Profile;
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.training.SyntheticChurn;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A real training job writes its version's reference profile in its final transaction: the dataset's input columns
 * (raw values, checked against the CSV) and the model's predictions over the holdout; live performance of the
 * deployed version is then shown next to the job's holdout metrics.
 */
@QuarkusTest
class TrainingReferenceTest {

    private static final String TRAIN = """
            mutation($input: TrainModelInput!) { trainModel(input: $input) { id } }""";

    private static final String JOB = """
            query($id: ID!) { job(id: $id) { status error runId metrics { key value } modelVersion { name version } } }""";

    @Test
    void aTrainingJobRecordsTheReferenceAndLivePerformanceComparesWithItsHoldout() throws InterruptedException {
        String dataset = DriftFixtures.churnDataset(1000, 7);
        String experiment = Fixtures.createExperiment(unique("drift-training"));
        String name = unique("drift-trained");
        String job = GraphQL.as("alice").data(TRAIN, "input", Map.of("experimentId", experiment, "datasetId", dataset,
                "target", "churned", "task", "CLASSIFICATION", "trainer", "LOGISTIC_REGRESSION", "registerAs", name))
                .getString("trainModel.id");
        JsonPath done = awaitJob(job);
        assertThat(done.getString("job.status")).as(done.getString("job.error")).isEqualTo("SUCCEEDED");
        int version = done.getInt("job.modelVersion.version");
        assertThat(Fixtures.awaitRegistered(name, version)).isEqualTo("READY");
        int holdout = Integer.parseInt(GraphQL.as("alice").data("query($id: ID!) { run(id: $id) { params { key value } } }",
                "id", done.getString("job.runId")).getString("run.params.find { it.key == 'rows.holdout' }.value"));

        JsonPath reference = GraphQL.as("carol").data("""
                query($m: String!, $v: Int!) { referenceProfile(model: $m, version: $v) { datasetId rows predictionRows columns source createdBy } }""",
                "m", name, "v", version);
        assertThat(reference.getString("referenceProfile.source")).isEqualTo("TRAINING");
        assertThat(reference.getString("referenceProfile.datasetId")).isEqualTo(dataset);
        assertThat(reference.getInt("referenceProfile.rows")).isEqualTo(1000);
        assertThat(reference.getInt("referenceProfile.predictionRows")).isEqualTo(holdout).isBetween(150, 250);
        assertThat(reference.getList("referenceProfile.columns")).containsExactly("tenure_months", "monthly_charges", "plan",
                "support_calls", "region", "lifetime_value");
        assertThat(count("select count(*) from audit_event where action = 'REFERENCE_PROFILE_RECORDED' and resource_id = ?"
                + " and actor_name = 'system'", name + ":" + version)).isEqualTo(1);

        // The stored profile holds the raw values of the CSV, counted here by hand.
        Object[] stored = query("select r.features, r.predictions from reference_profile r join registered_model m on m.id = r.model_id"
                + " where m.name = ? and r.version = ?", name, version).get(0);
        Profile features = Profile.fromBytes((byte[]) stored[0]);
        Map<String, Long> plans = new TreeMap<>();
        double minTenure = Double.MAX_VALUE;
        double maxCharges = 0;
        String[] lines = SyntheticChurn.csv(1000, 7, 0).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",");
            plans.merge(cells[2], 1L, Long::sum);
            minTenure = Math.min(minTenure, Double.parseDouble(cells[0]));
            maxCharges = Math.max(maxCharges, Double.parseDouble(cells[1]));
        }
        assertThat(features.rows()).isEqualTo(1000);
        assertThat(features.column("plan").kind()).isEqualTo(ColumnKind.TEXT);
        assertThat(features.column("plan").frequencies()).isEqualTo(plans);
        assertThat(features.column("tenure_months").min()).isEqualTo(minTenure);
        assertThat(features.column("monthly_charges").max()).isEqualTo(maxCharges);
        assertThat(features.column("churned")).as("the target is not an input").isNull();
        Profile predictions = Profile.fromBytes((byte[]) stored[1]);
        assertThat(predictions.rows()).isEqualTo(holdout);
        assertThat(predictions.column("prediction").frequencies().keySet()).isSubsetOf("0", "1");

        String deployment = unique("trained");
        GraphQL.as("alice").data("mutation($n: String!, $m: String!, $v: Int) { createDeployment(name: $n, model: $m, version: $v) { name } }",
                "n", deployment, "m", name, "v", version);
        Instant at = Instant.now().minusSeconds(120).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<Map<String, Object>> outcomes = new ArrayList<>();
        String[][] pairs = { { "1", "1" }, { "1", "1" }, { "1", "1" }, { "0", "1" } };
        for (int i = 0; i < pairs.length; i++) {
            outcomes.add(Map.of("predictionId", new PredictionId(deployment, version, at, new PredictionId.Label(pairs[i][0]), "t-" + i)
                    .toString(), "actual", pairs[i][1]));
        }
        GraphQL.as("alice").data("mutation($o: [OutcomeInput!]!) { logFeedback(outcomes: $o) { accepted } }", "o", outcomes);
        JsonPath report = GraphQL.as("carol").data(REPORT, "d", deployment, "from", at.minusSeconds(60).toString(),
                "to", at.plusSeconds(60).toString());
        double trainingAccuracy = done.getDouble("job.metrics.find { it.key == 'accuracy' }.value");
        assertThat(report.getDouble("driftReport.performance.metrics.find { it.name == 'accuracy' }.live")).isEqualTo(0.75);
        assertThat(report.getDouble("driftReport.performance.metrics.find { it.name == 'accuracy' }.training"))
                .isCloseTo(trainingAccuracy, within(1e-6));
        assertThat(report.getDouble("driftReport.performance.metrics.find { it.name == 'macro_f1' }.training")).isPositive();
        // F1("1") = 2*3/(2*3+0+1) = 6/7; F1("0") = 0 (predicted once, never right)
        assertThat(report.getDouble("driftReport.performance.metrics.find { it.name == 'macro_f1' }.live"))
                .isCloseTo((6 / 7.0) / 2, within(1e-6));
    }

    private static JsonPath awaitJob(String job) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            JsonPath view = GraphQL.as("alice").data(JOB, "id", job);
            String status = view.getString("job.status");
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status) || System.nanoTime() > deadline) {
                return view;
            }
            Thread.sleep(200);
        }
    }
}
