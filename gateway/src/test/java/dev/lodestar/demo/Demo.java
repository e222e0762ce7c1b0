package dev.lodestar.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.inference.v1.PredictResponse;
import dev.lodestar.testing.StackClient;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;

/**
 * {@code ./lodestar demo}: the whole path once, against the running stack. A data scientist (alice) uploads the
 * example dataset, trains a model from it and asks for it to become {@code champion}; an approver (bob) approves;
 * a deployment following {@code champion} picks the version up; a service scores rows over gRPC. Every step is an
 * ordinary API call, so the admin shows all of it afterwards.
 */
public final class Demo {

    /** The example dataset shipped with the project: customers, and whether they left. */
    static final String DATASET_FILE = "examples/churn.csv";
    static final String TARGET = "churned";
    static final String NAME = "churn-demo";
    static final int PREDICTIONS = 8;

    private final StackClient alice;
    private final StackClient bob;
    private final Path home;
    private final PrintStream out;

    Demo(Path stackEnv, Path home, PrintStream out) {
        this.alice = new StackClient(stackEnv, "alice");
        this.bob = new StackClient(stackEnv, "bob");
        this.home = home;
        this.out = out;
    }

    /** What a run of the demo produced. */
    public record Outcome(String datasetId, String jobId, int version, List<PredictResponse> predictions,
            List<String> actual) {

        /** How many of the scored rows the model got right. */
        public long correct() {
            long right = 0;
            for (int i = 0; i < predictions.size(); i++) {
                if (predictions.get(i).getClassification().getLabel().equals(actual.get(i))) {
                    right++;
                }
            }
            return right;
        }
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "data");
        Path home = Path.of(System.getProperty("lodestar.home", "."));
        new Demo(data.resolve("stack.env"), home, System.out).run();
    }

    /** Runs every step, printing what happens; fails loudly on the first step that does not work. */
    public Outcome run() throws IOException, InterruptedException {
        out.println("Lodestar demo against " + alice.env("LODESTAR_GATEWAY_URL"));
        Path file = home.resolve(DATASET_FILE);
        byte[] csv = Files.readAllBytes(file);

        JsonNode dataset = alice.post("/api/datasets?name=" + NAME, "text/csv", csv);
        out.printf("%n1. Dataset  %s version %d: %d rows, %d columns, uploaded by alice from %s%n", NAME,
                dataset.path("version").asInt(), dataset.path("rows").asLong(), dataset.path("columns").size(), DATASET_FILE);

        String experiment = experimentId();
        JsonNode job = alice.graphql("""
                mutation Train($input: TrainModelInput!) {
                  trainModel(input: $input) { id status }
                }""", Map.of("input", Map.of("experimentId", experiment, "datasetId", dataset.path("id").asText(),
                "target", TARGET, "task", "CLASSIFICATION", "trainer", "LOGISTIC_REGRESSION", "holdoutFraction", 0.25,
                "seed", 7, "registerAs", NAME,
                "minMetrics", List.of(Map.of("key", "accuracy", "value", "0.7"))))).path("trainModel");
        String jobId = job.path("id").asText();
        out.printf("%n2. Training job %s (logistic regression, 25%% holdout)%n", jobId);
        JsonNode finished = awaitJob(jobId);
        int version = finished.path("modelVersion").path("version").asInt();
        out.printf("   run %s: %s%n", finished.path("runId").asText(), metrics(finished.path("runId").asText()));

        awaitVersionReady(version);
        out.printf("%n3. Model    %s version %d is READY (artifact verified, signature and provenance read)%n", NAME, version);

        JsonNode request = alice.graphql("""
                mutation Request($name: String!, $version: Int!) {
                  requestPromotion(name: $name, version: $version, alias: "champion",
                                   reason: "Trained by ./lodestar demo; holdout metrics attached.") { id }
                }""", Map.of("name", NAME, "version", version)).path("requestPromotion");
        bob.graphql("""
                mutation Approve($id: ID!) {
                  approvePromotion(requestId: $id, comment: "Metrics look right.") { status }
                }""", Map.of("id", request.path("id").asText()));
        out.printf("%n4. Approval alice asked for champion -> version %d; bob approved; the alias moved%n", version);

        ensureDeployment();
        awaitDeploymentServing(version);
        out.printf("%n5. Deploy   deployment %s follows champion and serves version %d%n", NAME, version);

        List<Map<String, String>> rows = rows(csv);
        List<PredictResponse> predictions = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        String target = alice.env("LODESTAR_GRPC_TARGET");
        String token = alice.clientToken(alice.env("LODESTAR_PREDICTOR_CLIENT_ID"), alice.env("LODESTAR_PREDICTOR_CLIENT_SECRET"));
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            InferenceGrpc.InferenceBlockingStub inference = InferenceGrpc.newBlockingStub(channel).withCallCredentials(bearer(token));
            out.printf("%n6. Predict  over gRPC at %s (lodestar.inference.v1.Inference/Predict)%n", target);
            out.printf("   %-4s %-8s %-8s %-8s %-8s %s%n", "row", "actual", "label", "score", "version", "prediction id");
            for (int i = 0; i < PREDICTIONS && i < rows.size(); i++) {
                Map<String, String> row = rows.get(i);
                PredictRequest.Builder call = PredictRequest.newBuilder().setDeployment(NAME);
                row.forEach((column, value) -> {
                    if (!column.equals(TARGET)) {
                        call.putFeatures(column, featureValue(value));
                    }
                });
                PredictResponse answer = inference.withDeadlineAfter(5, TimeUnit.SECONDS).predict(call.build());
                if (answer.getModelVersion() != version) {
                    throw new IllegalStateException("the deployment answered with version " + answer.getModelVersion()
                            + ", not the approved version " + version);
                }
                predictions.add(answer);
                actual.add(row.get(TARGET));
                String label = answer.getClassification().getLabel();
                out.printf("   %-4d %-8s %-8s %-8.3f %-8d %s%n", i + 1, row.get(TARGET), label,
                        answer.getClassification().getScoresOrDefault(label, Double.NaN), answer.getModelVersion(),
                        answer.getPredictionId());
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        String admin = alice.env("LODESTAR_ADMIN_URL");
        out.printf("%nWhere to look (log in as alice, bob or carol; password = user name):%n");
        out.printf("   dataset profile   %s/datasets/%s%n", admin, dataset.path("id").asText());
        out.printf("   training job      %s/jobs/%s%n", admin, jobId);
        out.printf("   model and version %s/models/%s%n", admin, NAME);
        out.printf("   approvals         %s/approvals%n", admin);
        out.printf("   deployment        %s/deployments/%s%n", admin, NAME);
        out.printf("   audit trail       %s/audit (as carol)%n", admin);
        return new Outcome(dataset.path("id").asText(), jobId, version, predictions, actual);
    }

    private String experimentId() {
        JsonNode found = alice.graphql("""
                query Find($name: String!) { experiments(nameContains: $name, first: 50) { edges { node { id name } } } }""",
                Map.of("name", NAME)).path("experiments").path("edges");
        for (JsonNode edge : found) {
            if (edge.path("node").path("name").asText().equals(NAME)) {
                return edge.path("node").path("id").asText();
            }
        }
        return alice.graphql("""
                mutation Create($name: String!) { createExperiment(name: $name, description: "Runs of ./lodestar demo") { id } }""",
                Map.of("name", NAME)).path("createExperiment").path("id").asText();
    }

    private JsonNode awaitJob(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        String shown = "";
        while (System.nanoTime() < deadline) {
            JsonNode job = alice.graphql("""
                    query Job($id: ID!) { job(id: $id) { status progress stage runId error modelVersion { version } } }""",
                    Map.of("id", id)).path("job");
            String status = job.path("status").asText();
            int percent = (int) Math.round(job.path("progress").asDouble() * 100);
            String line = String.format("   [%-20s] %3d%% %s", "#".repeat(percent / 5), percent,
                    status.equals("RUNNING") ? job.path("stage").asText("") : status);
            if (!line.equals(shown)) {
                out.println(line);
                shown = line;
            }
            switch (status) {
                case "SUCCEEDED" -> {
                    return job;
                }
                case "FAILED", "CANCELLED" -> throw new IllegalStateException("training job " + id + " " + status
                        + ": " + job.path("error").asText());
                default -> Thread.sleep(250);
            }
        }
        throw new IllegalStateException("training job " + id + " did not finish within 3 minutes");
    }

    private String metrics(String runId) {
        JsonNode latest = alice.graphql("""
                query Run($id: ID!) { run(id: $id) { latestMetrics { key value } } }""", Map.of("id", runId))
                .path("run").path("latestMetrics");
        Map<String, Double> values = new LinkedHashMap<>();
        latest.forEach(metric -> values.put(metric.path("key").asText(), metric.path("value").asDouble()));
        StringBuilder text = new StringBuilder();
        for (String key : List.of("accuracy", "macro_f1", "auc")) {
            if (values.containsKey(key)) {
                text.append(text.isEmpty() ? "" : ", ").append(String.format("%s %.3f", key, values.get(key)));
            }
        }
        return text.toString();
    }

    private void awaitVersionReady(int version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            JsonNode found = alice.graphql("""
                    query Version($name: String!, $version: Int!) { modelVersion(name: $name, version: $version) { status statusMessage } }""",
                    Map.of("name", NAME, "version", version)).path("modelVersion");
            switch (found.path("status").asText()) {
                case "READY" -> {
                    return;
                }
                case "FAILED_REGISTRATION" -> throw new IllegalStateException("version " + version
                        + " failed registration: " + found.path("statusMessage").asText());
                default -> Thread.sleep(200);
            }
        }
        throw new IllegalStateException("version " + version + " did not become READY within a minute");
    }

    private void ensureDeployment() {
        JsonNode existing = alice.graphql("""
                query Deployment($name: String!) { deployment(name: $name) { name } }""", Map.of("name", NAME)).path("deployment");
        if (existing.isNull() || existing.isMissingNode()) {
            alice.graphql("""
                    mutation Deploy($name: String!) { createDeployment(name: $name, model: $name, alias: "champion") { name } }""",
                    Map.of("name", NAME));
        }
    }

    private void awaitDeploymentServing(int version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            JsonNode deployment = alice.graphql("""
                    query Deployment($name: String!) { deployment(name: $name) { version ready } }""",
                    Map.of("name", NAME)).path("deployment");
            if (deployment.path("ready").asBoolean() && deployment.path("version").asInt() == version) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("deployment " + NAME + " did not serve version " + version + " within a minute;"
                + " see data/logs/inference.log");
    }

    /** The CSV's first data rows by column name (the example file has no quoted fields). */
    private static List<Map<String, String>> rows(byte[] csv) {
        String[] lines = new String(csv, StandardCharsets.UTF_8).split("\r?\n");
        String[] header = lines[0].split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.length && rows.size() < PREDICTIONS; i++) {
            String[] cells = lines[i].split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.length; c++) {
                row.put(header[c], cells[c]);
            }
            rows.add(row);
        }
        return rows;
    }

    private static FeatureValue featureValue(String cell) {
        try {
            return FeatureValue.newBuilder().setNumber(Double.parseDouble(cell)).build();
        } catch (NumberFormatException e) {
            return FeatureValue.newBuilder().setText(cell).build();
        }
    }

    private static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, java.util.concurrent.Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }
}
