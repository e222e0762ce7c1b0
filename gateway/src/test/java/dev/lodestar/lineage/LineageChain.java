package dev.lodestar.lineage;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;

/**
 * A real lineage chain made through the public API: a dataset upload, two training jobs on it, an approved
 * promotion of each to {@code champion}, and a deployment following {@code champion} created between them, so the
 * second approval moves it.
 */
record LineageChain(String dataset, String datasetName, String model, String deployment, String run1, String run2,
        String request1, String request2, Instant beforeCreation, Instant servingV1, Instant servingV2) {

    static final String TRAIN = """
            mutation($input: TrainModelInput!) { trainModel(input: $input) { id } }""";
    static final String JOB = """
            query($id: ID!) { job(id: $id) { status error runId modelVersion { name version status } } }""";
    static final String REQUEST = """
            mutation($name: String!, $version: Int!) {
              requestPromotion(name: $name, version: $version, alias: "champion", reason: "better holdout accuracy") { id }
            }""";
    static final String APPROVE = "mutation($id: ID!) { approvePromotion(requestId: $id, comment: \"looks good\") { status } }";
    static final String DEPLOY = "mutation($name: String!, $model: String!) { createDeployment(name: $name, model: $model) { version } }";

    static LineageChain build() {
        String datasetName = Fixtures.unique("lineage-churn");
        String dataset = given().auth().oauth2(Tokens.of("alice")).contentType("text/csv")
                .body(TrainingSourcesTest.csv(400).getBytes(StandardCharsets.UTF_8))
                .post("/api/datasets?name=" + datasetName).then().statusCode(201).extract().jsonPath().getString("id");
        String experiment = Fixtures.createExperiment(Fixtures.unique("lineage"));
        String model = Fixtures.unique("lineage-model");
        String run1 = train(experiment, dataset, model, 1);
        String request1 = promote(model, 1);
        Instant beforeCreation = Instant.now();
        pause();
        String deployment = Fixtures.unique("lineage-dep");
        GraphQL.as("alice").data(DEPLOY, "name", deployment, "model", model);
        pause();
        Instant servingV1 = Instant.now();
        String run2 = train(experiment, dataset, model, 2);
        String request2 = promote(model, 2);
        pause();
        Instant servingV2 = Instant.now();
        return new LineageChain(dataset, datasetName, model, deployment, run1, run2, request1, request2, beforeCreation, servingV1,
                servingV2);
    }

    /** Trains version {@code expected} of {@code model} on the dataset and waits until it is READY; returns its run. */
    private static String train(String experiment, String dataset, String model, int expected) {
        String job = GraphQL.as("alice").data(TRAIN, "input", Map.of("experimentId", experiment, "datasetId", dataset,
                "target", "churned", "task", "CLASSIFICATION", "trainer", "LOGISTIC_REGRESSION", "registerAs", model))
                .getString("trainModel.id");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            var view = GraphQL.as("alice").data(JOB, "id", job);
            String status = view.getString("job.status");
            if (status.equals("FAILED") || status.equals("CANCELLED")) {
                throw new AssertionError("training job " + job + " ended " + status + ": " + view.getString("job.error"));
            }
            if (status.equals("SUCCEEDED") && "READY".equals(view.getString("job.modelVersion.status"))) {
                if (view.getInt("job.modelVersion.version") != expected) {
                    throw new AssertionError("expected version " + expected + ", got " + view.getInt("job.modelVersion.version"));
                }
                return view.getString("job.runId");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("training job " + job + " is still " + status);
            }
            pause();
        }
    }

    private static String promote(String model, int version) {
        String request = GraphQL.as("alice").data(REQUEST, "name", model, "version", version).getString("requestPromotion.id");
        GraphQL.as("bob").data(APPROVE, "id", request);
        return request;
    }

    /** Moves the clock on, so moments before and after a change differ in the history's timestamps. */
    static void pause() {
        try {
            Thread.sleep(60);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    String datasetNode() {
        return "dataset:" + dataset;
    }

    String modelNode(int version) {
        return "model:" + model + ":" + version;
    }

    String deploymentNode() {
        return "deployment:" + deployment;
    }

    List<String> all() {
        return List.of(datasetNode(), "run:" + run1, "run:" + run2, modelNode(1), modelNode(2), "approval:" + request1,
                "approval:" + request2, deploymentNode());
    }
}
