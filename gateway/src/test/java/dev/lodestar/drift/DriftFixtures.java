package dev.lodestar.drift;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.lodestar.drift.sketch.ColumnKind;
import dev.lodestar.drift.sketch.Profile;
import dev.lodestar.drift.sketch.ProfileBuilder;
import dev.lodestar.drift.sketch.ProfileColumn;
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;
import dev.lodestar.training.SyntheticChurn;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Deployments with reference profiles, live windows made from profiles of known rows (as the inference servers
 * build them), and direct SQL for the drift tests.
 */
final class DriftFixtures {

    /** The golden churn model's inputs, as its schema names them. */
    static final List<ProfileColumn> CHURN_INPUTS = List.of(new ProfileColumn("tenure_months", ColumnKind.NUMBER),
            new ProfileColumn("monthly_charges", ColumnKind.NUMBER), new ProfileColumn("support_calls", ColumnKind.NUMBER));

    static final String RECORD = """
            mutation($m: String!, $v: Int!, $d: ID!) {
              recordReferenceProfile(model: $m, version: $v, datasetId: $d) { model version datasetId rows predictionRows columns source createdBy }
            }""";

    static final String REPORT = """
            query($d: String!, $from: DateTime!, $to: DateTime!) {
              driftReport(deployment: $d, from: $from, to: $to) {
                deployment model version from to rows windows dropped datasetDrift driftShare
                features { feature test statistic pValue threshold drifted psi rows histogram { bins reference current } }
                predictionDrift { feature test drifted }
                reference { version rows source columns }
                performance { task outcomes metrics { name live training } }
              }
            }""";

    static final String TIMELINE = """
            query($d: String!, $from: DateTime!, $to: DateTime!) {
              driftTimeline(deployment: $d, from: $from, to: $to) { start end version rows dropped driftShare datasetDrift driftedFeatures
                performance { outcomes metrics { name live } } }
            }""";

    /** A deployment of the golden churn model whose version has a reference profile of {@code rows} synthetic rows. */
    record Served(String model, int version, String deployment, String dataset) {
    }

    private DriftFixtures() {
    }

    /** Uploads synthetic churn rows as a dataset version through {@code POST /api/datasets}; returns its id. */
    static String churnDataset(int rows, long seed) {
        return given().auth().oauth2(Tokens.of("alice")).contentType("text/csv")
                .body(SyntheticChurn.csv(rows, seed, 0).getBytes(StandardCharsets.UTF_8))
                .post("/api/datasets?name=" + Fixtures.unique("drift-churn")).then().statusCode(201).extract().jsonPath().getString("id");
    }

    /** Registers the golden churn model, records its reference from {@code rows} rows and deploys it pinned. */
    static Served churnDeployment(int rows) {
        String model = Fixtures.createModel(Fixtures.unique("drift"));
        int version = Fixtures.createReadyVersion(model, Fixtures.tribuoModel("churn-logistic"));
        String dataset = churnDataset(rows, 11);
        GraphQL.as("alice").data(RECORD, "m", model, "v", version, "d", dataset);
        String deployment = Fixtures.unique("drift");
        GraphQL.as("alice").data("mutation($n: String!, $m: String!, $v: Int) { createDeployment(name: $n, model: $m, version: $v) { name } }",
                "n", deployment, "m", model, "v", version);
        return new Served(model, version, deployment, dataset);
    }

    /** Synthetic churn rows as (tenure_months, monthly_charges, support_calls). */
    static List<double[]> churnRows(int rows, long seed) {
        List<double[]> out = new ArrayList<>(rows);
        String[] lines = SyntheticChurn.csv(rows, seed, 0).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",");
            out.add(new double[] { Double.parseDouble(cells[0]), Double.parseDouble(cells[1]), Double.parseDouble(cells[3]) });
        }
        return out;
    }

    /** The features profile of rows, each column shifted by {@code add} and scaled by {@code times}. */
    static Profile features(List<double[]> rows, double[] add, double[] times) {
        ProfileBuilder builder = new ProfileBuilder(CHURN_INPUTS);
        for (double[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                builder.number(c, row[c] * times[c] + add[c]);
            }
            builder.endRow();
        }
        return builder.build();
    }

    /** The features profile of rows as they are. */
    static Profile features(List<double[]> rows) {
        return features(rows, new double[3], new double[] { 1, 1, 1 });
    }

    /** A predictions profile of labels: {@code counts} as label, count pairs. */
    static Profile labels(Object... counts) {
        ProfileBuilder builder = new ProfileBuilder(List.of(new ProfileColumn("prediction", ColumnKind.TEXT)));
        for (int i = 0; i < counts.length; i += 2) {
            for (int n = 0; n < (Integer) counts[i + 1]; n++) {
                builder.text(0, (String) counts[i]);
                builder.endRow();
            }
        }
        return builder.build();
    }

    /** A window entry of a send. */
    static Map<String, Object> window(Served served, Instant start, long rows, Profile features, Profile predictions) {
        Map<String, Object> window = new HashMap<>();
        window.put("deployment", served.deployment());
        window.put("model", served.model());
        window.put("version", served.version());
        window.put("start", start.toString());
        window.put("end", start.plusSeconds(300).toString());
        window.put("rows", rows);
        window.put("dropped", 0);
        window.put("features", Base64.getEncoder().encodeToString(features.toBytes()));
        window.put("predictions", Base64.getEncoder().encodeToString(predictions.toBytes()));
        return window;
    }

    /** A send's body. */
    static Map<String, Object> send(String replica, String incarnation, List<Map<String, Object>> windows, List<Map<String, Object>> feedback) {
        Map<String, Object> body = new HashMap<>();
        body.put("replicaId", replica);
        body.put("incarnation", incarnation);
        body.put("windows", windows);
        if (feedback != null) {
            body.put("feedback", feedback);
        }
        return body;
    }

    /** Posts a send as the inference server. */
    static Response post(Object body) {
        var request = given().auth().oauth2(Tokens.inferenceServer()).contentType(ContentType.JSON);
        return (body instanceof String text ? request.body(text) : request.body(body)).post("/api/serving/windows");
    }

    /** The start of the 5-minute window {@code windowsAgo} windows before the current one. */
    static Instant windowStart(int windowsAgo) {
        long now = Instant.now().getEpochSecond();
        return Instant.ofEpochSecond(now - now % 300 - 300L * windowsAgo);
    }
}
