package dev.lodestar.drift;

import static dev.lodestar.drift.DriftFixtures.REPORT;
import static dev.lodestar.drift.DriftFixtures.TIMELINE;
import static dev.lodestar.drift.DriftFixtures.churnRows;
import static dev.lodestar.testing.TestDatabase.count;
import static dev.lodestar.drift.DriftFixtures.features;
import static dev.lodestar.drift.DriftFixtures.labels;
import static dev.lodestar.drift.DriftFixtures.post;
import static dev.lodestar.drift.DriftFixtures.send;
import static dev.lodestar.drift.DriftFixtures.window;
import static dev.lodestar.drift.DriftFixtures.windowStart;
import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lodestar.deploy.model.PredictionId;
import dev.lodestar.devstack.TestStack;
import dev.lodestar.drift.sketch.Profile;
import dev.lodestar.testing.TestDatabase;
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Drift through the public APIs: an inference server (a real {@code lodestar-inference} token) ships windows built
 * from profiles of known rows, and reports, timelines, outcomes and settings are read and changed over GraphQL.
 */
@QuarkusTest
class DriftApiTest {

    private static final double[] NO_SHIFT = { 0, 0, 0 };
    private static final double[] SAME_SCALE = { 1, 1, 1 };

    @Test
    void sameDistributionDoesNotDriftAndOnlyTheShiftedFeaturesDo() {
        DriftFixtures.Served served = DriftFixtures.churnDeployment(3000);
        Instant w0 = windowStart(4);
        Instant w1 = windowStart(3);
        Instant w2 = windowStart(2);
        Profile predictions = labels("stay", 1400, "churn", 600);
        post(send(unique("replica"), "inc-1", List.of(
                window(served, w0, 2000, features(churnRows(2000, 21)), predictions),
                // tenure a year longer, charges 30% higher: two of three features move
                window(served, w1, 2000, features(churnRows(2000, 22), new double[] { 12, 0, 0 }, new double[] { 1, 1.3, 1 }), predictions),
                // only support calls move
                window(served, w2, 2000, features(churnRows(2000, 23), new double[] { 0, 0, 3 }, SAME_SCALE), predictions)), null))
                .then().statusCode(204);

        JsonPath same = report(served.deployment(), w0, w0.plusSeconds(300));
        assertThat(same.getString("driftReport.model")).isEqualTo(served.model());
        assertThat(same.getInt("driftReport.version")).isEqualTo(served.version());
        assertThat(same.getInt("driftReport.rows")).isEqualTo(2000);
        assertThat(same.getInt("driftReport.windows")).isEqualTo(1);
        assertThat(same.getBoolean("driftReport.datasetDrift")).isFalse();
        assertThat(same.getDouble("driftReport.driftShare")).isZero();
        assertThat(same.getList("driftReport.features.feature")).containsExactlyInAnyOrder("tenure_months", "monthly_charges",
                "support_calls");
        assertThat(same.getList("driftReport.features.drifted")).containsOnly(false);
        // a 3000-row reference is large: numbers get the normalised Wasserstein distance against 0.1
        assertThat(same.getList("driftReport.features.test")).containsOnly("WASSERSTEIN");
        assertThat(same.getList("driftReport.features.threshold", Float.class)).containsOnly(0.1f);
        assertThat(same.getList("driftReport.features.rows")).containsOnly(2000);
        assertThat(same.getList("driftReport.features[0].histogram.bins")).isNotEmpty();
        assertThat(same.getString("driftReport.reference.source")).isEqualTo("RECORDED");
        assertThat(same.getInt("driftReport.reference.rows")).isEqualTo(3000);
        assertThat(same.getString("driftReport.predictionDrift.feature")).isEqualTo("prediction");
        assertThat(same.getString("driftReport.performance")).isNull();

        JsonPath two = report(served.deployment(), w1, w1.plusSeconds(300));
        assertThat(drifted(two)).containsExactlyInAnyOrder("tenure_months", "monthly_charges");
        assertThat(two.getDouble("driftReport.driftShare")).isCloseTo(2 / 3.0, within(1e-6));
        assertThat(two.getBoolean("driftReport.datasetDrift")).isTrue();

        JsonPath one = report(served.deployment(), w2, w2.plusSeconds(300));
        assertThat(drifted(one)).containsExactly("support_calls");
        assertThat(one.getBoolean("driftReport.datasetDrift")).isFalse();

        JsonPath all = report(served.deployment(), w0, w2.plusSeconds(300));
        assertThat(all.getInt("driftReport.rows")).isEqualTo(6000);
        assertThat(all.getInt("driftReport.windows")).isEqualTo(3);

        JsonPath timeline = GraphQL.as("carol").data(TIMELINE, "d", served.deployment(), "from", w0.toString(),
                "to", w2.plusSeconds(300).toString());
        assertThat(timeline.getList("driftTimeline.start")).containsExactly(w0.toString(), w1.toString(), w2.toString());
        assertThat(timeline.getList("driftTimeline.rows")).containsExactly(2000, 2000, 2000);
        assertThat(timeline.getList("driftTimeline.datasetDrift")).containsExactly(false, true, false);
        assertThat(timeline.getList("driftTimeline[1].driftedFeatures")).containsExactlyInAnyOrder("tenure_months", "monthly_charges");
        assertThat(timeline.getList("driftTimeline[2].driftedFeatures")).containsExactly("support_calls");

        // Per-model settings: tenure judged by PSI with a loose threshold, and the dataset drifting only from 90%.
        String set = """
                mutation($m: String!, $s: DriftSettingsInput!) {
                  setDriftSettings(model: $m, settings: $s) { model custom driftShare pValue features { feature test threshold } updatedBy }
                }""";
        Map<String, Object> settings = Map.of("driftShare", 0.9, "features", List.of(Map.of("feature", "tenure_months", "test", "PSI",
                "threshold", 50.0)));
        var forbidden = GraphQL.as("carol").call(set, "m", served.model(), "s", settings);
        assertThat(forbidden.codes()).as(forbidden.body()).containsExactly("FORBIDDEN");
        JsonPath changed = GraphQL.as("alice").data(set, "m", served.model(), "s", settings);
        assertThat(changed.getBoolean("setDriftSettings.custom")).isTrue();
        assertThat(changed.getDouble("setDriftSettings.driftShare")).isEqualTo(0.9);
        assertThat(changed.getDouble("setDriftSettings.pValue")).isEqualTo(0.05);
        assertThat(changed.getString("setDriftSettings.updatedBy")).isEqualTo("alice");
        JsonPath judged = report(served.deployment(), w1, w1.plusSeconds(300));
        assertThat(judged.getString("driftReport.features.find { it.feature == 'tenure_months' }.test")).isEqualTo("PSI");
        assertThat(judged.getDouble("driftReport.features.find { it.feature == 'tenure_months' }.threshold")).isEqualTo(50.0);
        assertThat(drifted(judged)).containsExactly("monthly_charges");
        assertThat(judged.getBoolean("driftReport.datasetDrift")).isFalse();
        assertThat(count("select count(*) from audit_event where action = 'DRIFT_SETTINGS_CHANGED' and resource_id = ?"
                + " and actor_name = 'alice'", served.model())).isEqualTo(1);
        var refused = GraphQL.as("alice").call(set, "m", served.model(), "s", Map.of("features",
                List.of(Map.of("feature", "tenure_months", "test", "KS", "threshold", 3.0))));
        assertThat(refused.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(GraphQL.as("alice").call(set, "m", served.model(), "s", Map.of("features",
                List.of(Map.of("feature", "x", "test", "T_TEST")))).codes()).containsExactly("INVALID_ARGUMENT");
    }

    @Test
    void aResentWindowReplacesItselfAndReplicasAndRestartsAddUp() {
        DriftFixtures.Served served = DriftFixtures.churnDeployment(1500);
        Instant start = windowStart(1);
        List<double[]> rows = churnRows(2500, 31);
        String replica = unique("replica");
        Profile predictions = labels("stay", 1);

        for (int attempt = 0; attempt < 2; attempt++) {
            post(send(replica, "inc-a", List.of(window(served, start, 1000, features(rows.subList(0, 1000)), predictions)), null))
                    .then().statusCode(204);
        }
        assertThat(rows(served, start)).isEqualTo(1000);
        post(send(replica, "inc-a", List.of(window(served, start, 1500, features(rows.subList(0, 1500)), predictions)), null))
                .then().statusCode(204);
        assertThat(rows(served, start)).isEqualTo(1500);
        // a late retry of an older state does not replace a newer one
        post(send(replica, "inc-a", List.of(window(served, start, 1000, features(rows.subList(0, 1000)), predictions)), null))
                .then().statusCode(204);
        assertThat(rows(served, start)).isEqualTo(1500);
        // another replica, and the first one restarted, count as well
        post(send(unique("replica"), "inc-b", List.of(window(served, start, 700, features(rows.subList(1500, 2200)), predictions)), null))
                .then().statusCode(204);
        post(send(replica, "inc-c", List.of(window(served, start, 300, features(rows.subList(2200, 2500)), predictions)), null))
                .then().statusCode(204);
        assertThat(rows(served, start)).isEqualTo(2500);
        assertThat(report(served.deployment(), start, start.plusSeconds(300)).getInt("driftReport.windows")).isEqualTo(1);
        assertThat(count("select count(*) from drift_window where deployment_name = ?", served.deployment())).isEqualTo(3);

        String node = "window:" + served.deployment() + ":" + served.version() + ":" + start.getEpochSecond();
        assertThat(TestDatabase.query("select from_node, kind from lineage_edge where to_node = ? order by kind", node))
                .extracting(r -> r[0] + " " + r[1])
                .containsExactlyInAnyOrder("deployment:" + served.deployment() + " SERVED",
                        "model:" + served.model() + ":" + served.version() + " SCORED");
    }

    @Test
    void malformedSendsAreRefusedWithTheirReasonAndStoreNothing() {
        DriftFixtures.Served served = DriftFixtures.churnDeployment(500);
        Instant start = windowStart(1);
        String replica = unique("bad");
        Map<String, Object> good = window(served, start, 10, features(churnRows(10, 3)), labels("stay", 10));
        String goodId = new PredictionId(served.deployment(), served.version(), start.plusSeconds(5), new PredictionId.Label("stay"),
                "good-1").toString();
        List<Map<String, Object>> goodFeedback = List.of(Map.of("predictionId", goodId, "actual", "churn"));

        Map<String, Object> badBase64 = new HashMap<>(good);
        badBase64.put("features", "not base64 !!");
        Map<String, Object> notAProfile = new HashMap<>(good);
        notAProfile.put("predictions", Base64.getEncoder().encodeToString("hello".getBytes()));
        Map<String, Object> backwards = new HashMap<>(good);
        backwards.put("end", start.minusSeconds(1).toString());
        Map<String, Object> negative = new HashMap<>(good);
        negative.put("rows", -1);
        Map<String, Object> badName = new HashMap<>(good);
        badName.put("deployment", "Not A Name");
        String regressionId = new PredictionId(served.deployment(), served.version(), start, new PredictionId.Value(2.5), "r-1").toString();

        List<Object> bodies = List.of(
                "{\"replicaId\": ",
                Map.of("replicaId", replica, "incarnation", "i"),
                send("bad id!", "i", List.of(good), goodFeedback),
                send(replica, "i", List.of(good, badBase64), goodFeedback),
                send(replica, "i", List.of(good, notAProfile), goodFeedback),
                send(replica, "i", List.of(good, backwards), goodFeedback),
                send(replica, "i", List.of(good, negative), goodFeedback),
                send(replica, "i", List.of(good, badName), goodFeedback),
                send(replica, "i", List.of(good), List.of(goodFeedback.get(0), Map.of("predictionId", "nonsense", "actual", "1"))),
                send(replica, "i", List.of(good), List.of(goodFeedback.get(0), Map.of("predictionId", regressionId, "actual", "lots"))));
        for (Object body : bodies) {
            var refused = post(body);
            assertThat(refused.statusCode()).as(String.valueOf(body).substring(0, Math.min(80, String.valueOf(body).length())))
                    .isEqualTo(400);
            assertThat(refused.jsonPath().getString("code")).isEqualTo("INVALID_ARGUMENT");
            assertThat(refused.jsonPath().getString("message")).isNotBlank();
        }
        assertThat(post(send(replica, "i", List.of(good, notAProfile), null)).jsonPath().getString("message"))
                .contains("window 1", "predictions", "not a profile");
        assertThat(count("select count(*) from drift_window where replica_id = ?", replica)).isZero();
        assertThat(count("select count(*) from prediction_feedback where prediction_id = ?", goodId)).isZero();

        // Over the windows' own body limit (2 MB in tests): refused before the body is read.
        String huge = "{\"replicaId\": \"" + replica + "\", \"incarnation\": \"i\", \"windows\": [], \"pad\": \""
                + "x".repeat(2_200_000) + "\"}";
        var tooLarge = post(huge);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.jsonPath().getString("code")).isEqualTo("INVALID_ARGUMENT");

        post(send(replica, "i", List.of(good), goodFeedback)).then().statusCode(204);
        assertThat(count("select count(*) from drift_window where replica_id = ?", replica)).isEqualTo(1);
        assertThat(count("select count(*) from prediction_feedback where prediction_id = ? and source = 'INFERENCE'", goodId)).isEqualTo(1);
    }

    @Test
    void onlyInferenceServersSendWindows() {
        String body = "{\"replicaId\": \"r\", \"incarnation\": \"i\", \"windows\": []}";
        given().contentType(ContentType.JSON).body(body).post("/api/serving/windows").then().statusCode(401);
        for (String user : List.of("alice", "bob", "carol", "dave")) {
            var refused = given().auth().oauth2(Tokens.of(user)).contentType(ContentType.JSON).body(body).post("/api/serving/windows");
            assertThat(refused.statusCode()).as(user).isEqualTo(403);
            assertThat(refused.jsonPath().getString("code")).isEqualTo("FORBIDDEN");
        }
        post(body).then().statusCode(204);
        // and the inference server reads no reports
        assertThat(GraphQL.withToken(Tokens.inferenceServer()).call(REPORT, "d", "x", "from", "2026-01-01T00:00:00Z",
                "to", "2026-01-01T01:00:00Z").codes()).containsExactly("FORBIDDEN");
    }

    @Test
    void outcomesGiveAccuracyAndMacroF1OfTheVersionsPredictions() {
        DriftFixtures.Served served = DriftFixtures.churnDeployment(500);
        Instant start = windowStart(2);
        // predicted/actual: churn/churn x4, stay/stay x3, churn/stay x2, stay/churn x1
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pairs.add(new String[] { "churn", "churn" });
        }
        for (int i = 0; i < 3; i++) {
            pairs.add(new String[] { "stay", "stay" });
        }
        pairs.add(new String[] { "churn", "stay" });
        pairs.add(new String[] { "churn", "stay" });
        pairs.add(new String[] { "stay", "churn" });
        List<Map<String, Object>> shipped = new ArrayList<>();
        List<Map<String, Object>> logged = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            String id = new PredictionId(served.deployment(), served.version(), start.plusSeconds(10 + i),
                    new PredictionId.Label(pairs.get(i)[0]), "p-" + i).toString();
            (i < 6 ? shipped : logged).add(Map.of("predictionId", id, "actual", pairs.get(i)[1]));
        }
        post(send(unique("replica"), "i", List.of(window(served, start, 10, features(churnRows(10, 5)), labels("churn", 7, "stay", 3))),
                shipped)).then().statusCode(204);

        String log = "mutation($o: [OutcomeInput!]!) { logFeedback(outcomes: $o) { received accepted known } }";
        assertThat(GraphQL.as("bob").call(log, "o", logged).codes()).containsExactly("FORBIDDEN");
        JsonPath result = GraphQL.withToken(predictorToken()).data(log, "o", logged);
        assertThat(result.getInt("logFeedback.received")).isEqualTo(4);
        assertThat(result.getInt("logFeedback.accepted")).isEqualTo(4);
        // the first outcome of a prediction stays
        JsonPath again = GraphQL.as("alice").data(log, "o", List.of(Map.of("predictionId", logged.get(0).get("predictionId"), "actual", "churn"),
                Map.of("predictionId", shipped.get(0).get("predictionId"), "actual", "stay")));
        assertThat(again.getInt("logFeedback.accepted")).isZero();
        assertThat(again.getInt("logFeedback.known")).isEqualTo(2);
        assertThat(count("select count(*) from audit_event where action = 'FEEDBACK_LOGGED' and resource_id = ?",
                served.deployment())).isEqualTo(2);

        JsonPath report = report(served.deployment(), start, start.plusSeconds(300));
        assertThat(report.getString("driftReport.performance.task")).isEqualTo("CLASSIFICATION");
        assertThat(report.getInt("driftReport.performance.outcomes")).isEqualTo(10);
        // accuracy 7/10; F1(churn) = 2*4/(2*4+2+1) = 8/11, F1(stay) = 2*3/(2*3+1+2) = 6/9
        assertThat(metric(report, "accuracy")).isCloseTo(0.7, within(1e-6));
        assertThat(metric(report, "macro_f1")).isCloseTo((8 / 11.0 + 6 / 9.0) / 2, within(1e-6));
        assertThat(report.getString("driftReport.performance.metrics.find { it.name == 'accuracy' }.training")).isNull();
        JsonPath timeline = GraphQL.as("carol").data(TIMELINE, "d", served.deployment(), "from", start.toString(),
                "to", start.plusSeconds(300).toString());
        assertThat(timeline.getInt("driftTimeline[0].performance.outcomes")).isEqualTo(10);

        String unknown = new PredictionId("no-such-deployment", 1, start, new PredictionId.Label("x"), "u").toString();
        assertThat(GraphQL.as("alice").call(log, "o", List.of(Map.of("predictionId", unknown, "actual", "x"))).codes())
                .containsExactly("NOT_FOUND");
        var bad = GraphQL.as("alice").call(log, "o", List.of(Map.of("predictionId", "churn.1.zz", "actual", "x")));
        assertThat(bad.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(bad.message()).contains("outcome 0", "churn.1.zz");
    }

    @Test
    void regressionOutcomesGiveRmseAndMaeEvenWithoutAReference() {
        String model = Fixtures.createModel(unique("spend"));
        int version = Fixtures.createReadyVersion(model, Fixtures.tribuoModel("spend-linear"));
        String deployment = unique("spend");
        GraphQL.as("alice").data("mutation($n: String!, $m: String!, $v: Int) { createDeployment(name: $n, model: $m, version: $v) { name } }",
                "n", deployment, "m", model, "v", version);
        Instant at = windowStart(1).plusSeconds(30);
        double[][] pairs = { { 10, 12 }, { 20, 18 }, { 30, 33 } };
        List<Map<String, Object>> outcomes = new ArrayList<>();
        for (int i = 0; i < pairs.length; i++) {
            outcomes.add(Map.of("predictionId", new PredictionId(deployment, version, at, new PredictionId.Value(pairs[i][0]), "s-" + i)
                    .toString(), "actual", Double.toString(pairs[i][1])));
        }
        GraphQL.as("alice").data("mutation($o: [OutcomeInput!]!) { logFeedback(outcomes: $o) { accepted } }", "o", outcomes);

        JsonPath report = report(deployment, at.minusSeconds(60), at.plusSeconds(60));
        assertThat(report.getInt("driftReport.rows")).isZero();
        assertThat(report.getList("driftReport.features")).isEmpty();
        assertThat(report.getBoolean("driftReport.datasetDrift")).isFalse();
        assertThat(report.getString("driftReport.reference")).isNull();
        assertThat(report.getString("driftReport.performance.task")).isEqualTo("REGRESSION");
        // errors 2, -2, 3: RMSE sqrt(17/3), MAE 7/3
        assertThat(metric(report, "rmse")).isCloseTo(Math.sqrt(17 / 3.0), within(1e-6));
        assertThat(metric(report, "mae")).isCloseTo(7 / 3.0, within(1e-6));

        var notANumber = GraphQL.as("alice").call("mutation($o: [OutcomeInput!]!) { logFeedback(outcomes: $o) { accepted } }", "o",
                List.of(Map.of("predictionId", outcomes.get(0).get("predictionId"), "actual", "twelve")));
        assertThat(notANumber.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(notANumber.message()).contains("decimal number");
    }

    @Test
    void reportsRefuseUnknownDeploymentsAndEmptyPeriods() {
        assertThat(GraphQL.as("carol").call(REPORT, "d", "no-such-deployment", "from", "2026-01-01T00:00:00Z",
                "to", "2026-01-01T01:00:00Z").codes()).containsExactly("NOT_FOUND");
        DriftFixtures.Served served = DriftFixtures.churnDeployment(200);
        assertThat(GraphQL.as("carol").call(REPORT, "d", served.deployment(), "from", "2026-01-01T01:00:00Z",
                "to", "2026-01-01T01:00:00Z").codes()).containsExactly("INVALID_ARGUMENT");
        JsonPath quiet = report(served.deployment(), Instant.now().minusSeconds(3600), Instant.now());
        assertThat(quiet.getInt("driftReport.rows")).isZero();
        assertThat(quiet.getBoolean("driftReport.datasetDrift")).isFalse();
        assertThat(quiet.getInt("driftReport.reference.rows")).isEqualTo(200);
    }

    @Test
    void aReferenceNeedsTheModelsColumnsAndAWriter() {
        String model = Fixtures.createModel(unique("ref"));
        int version = Fixtures.createReadyVersion(model, Fixtures.tribuoModel("churn-logistic"));
        String lacking = given().auth().oauth2(Tokens.of("alice")).contentType("text/csv").body("tenure_months,plan\n3,basic\n5,pro\n")
                .post("/api/datasets?name=" + unique("lacking")).then().statusCode(201).extract().jsonPath().getString("id");
        var refused = GraphQL.as("alice").call(DriftFixtures.RECORD, "m", model, "v", version, "d", lacking);
        assertThat(refused.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(refused.message()).contains("monthly_charges", "support_calls");
        String dataset = DriftFixtures.churnDataset(300, 4);
        assertThat(GraphQL.as("carol").call(DriftFixtures.RECORD, "m", model, "v", version, "d", dataset).codes()).containsExactly("FORBIDDEN");

        JsonPath recorded = GraphQL.as("alice").data(DriftFixtures.RECORD, "m", model, "v", version, "d", dataset);
        assertThat(recorded.getInt("recordReferenceProfile.rows")).isEqualTo(300);
        assertThat(recorded.getInt("recordReferenceProfile.predictionRows")).isEqualTo(300);
        assertThat(recorded.getList("recordReferenceProfile.columns")).containsExactlyInAnyOrder("tenure_months", "monthly_charges",
                "support_calls");
        assertThat(recorded.getString("recordReferenceProfile.source")).isEqualTo("RECORDED");
        assertThat(recorded.getString("recordReferenceProfile.createdBy")).isEqualTo("alice");
        assertThat(count("select count(*) from audit_event where action = 'REFERENCE_PROFILE_RECORDED' and resource_id = ?"
                + " and actor_name = 'alice'", model + ":" + version)).isEqualTo(1);
        byte[] predictions = (byte[]) TestDatabase.query("select predictions from reference_profile r join registered_model m"
                + " on m.id = r.model_id where m.name = ?", model).get(0)[0];
        assertThat(Profile.fromBytes(predictions).column("prediction").frequencies().keySet()).isSubsetOf("churn", "stay");
    }

    private static JsonPath report(String deployment, Instant from, Instant to) {
        return GraphQL.as("carol").data(REPORT, "d", deployment, "from", from.toString(), "to", to.toString());
    }

    private static List<String> drifted(JsonPath report) {
        return report.getList("driftReport.features.findAll { it.drifted }.feature");
    }

    private static int rows(DriftFixtures.Served served, Instant start) {
        return report(served.deployment(), start, start.plusSeconds(300)).getInt("driftReport.rows");
    }

    private static double metric(JsonPath report, String name) {
        return report.getDouble("driftReport.performance.metrics.find { it.name == '" + name + "' }.live");
    }

    private static String predictorToken() {
        return given().formParams(Map.of("grant_type", "client_credentials", "client_id", "lodestar-predictor",
                "client_secret", TestStack.get().predictorSecret()))
                .post(TestStack.get().tokenUrl()).then().statusCode(200).extract().jsonPath().getString("access_token");
    }
}
