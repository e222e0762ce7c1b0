package dev.lodestar.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
        long started = System.nanoTime();
        try {
            new Demo(data.resolve("stack.env"), home, System.out).run();
        } catch (Exception | AssertionError e) {
            System.out.flush();
            System.err.printf("%nlodestar demo FAILED after %d s: %s%n", seconds(started), e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
        System.out.printf("%nThe demo took %d s.%n", seconds(started));
    }

    private static long seconds(long startedNanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
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
        Drift drift;
        try {
            InferenceGrpc.InferenceBlockingStub inference = InferenceGrpc.newBlockingStub(channel).withCallCredentials(bearer(token));
            out.printf("%n6. Predict  over gRPC at %s (lodestar.inference.v1.Inference/Predict)%n", target);
            out.printf("   %-4s %-8s %-8s %-8s %-8s %s%n", "row", "actual", "label", "score", "version", "prediction id");
            for (int i = 0; i < PREDICTIONS && i < rows.size(); i++) {
                Map<String, String> row = rows.get(i);
                PredictResponse answer = predict(inference, row);
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
            drift = driftChapter(inference, rows, version, dataset.path("id").asText());
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
        out.printf("   drift report      %s/drift/%s%n", admin, NAME);
        out.printf("   alerts            %s/alerts%n", admin);
        out.printf("   retrainings       %s/retraining%n", admin);
        out.printf("   lineage           %s/lineage?node=deployment:%s%n", admin, NAME);
        out.printf("   audit trail       %s/audit (as carol)%n", admin);
        return new Outcome(dataset.path("id").asText(), jobId, version, predictions, actual);
    }

    /** What the drift chapter produced. */
    record Drift(int retrainedVersion, String alertId, String requestId) {
    }

    /** Features the shifted traffic moves; the others keep the training data's values. */
    static final Map<String, java.util.function.DoubleUnaryOperator> SHIFTS = Map.of(
            "tenure_months", v -> v + 36, "monthly_charges", v -> v * 1.6 + 25, "lifetime_value", v -> v * 2 + 500);

    private Drift driftChapter(InferenceGrpc.InferenceBlockingStub inference, List<Map<String, String>> all, int version,
            String datasetId) throws InterruptedException {
        // Predict takes every feature: the file's rows with a missing value are not sent.
        List<Map<String, String>> rows = all.stream().filter(row -> row.values().stream().noneMatch(String::isBlank)).toList();
        Duration window = Duration.parse(alice.env("LODESTAR_DRIFT_WINDOW"));
        long width = window.toMillis();
        // A fresh window with room for the traffic, so the like-training and shifted traffic fall in windows of their own.
        Instant now = Instant.now();
        Instant first = Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), width) * width + width);
        out.printf("%n7. Traffic  drift windows of %s; waiting for the next one to start at %s%n", window, first);
        sleepUntil(first);
        send(inference, rows, version, false);
        Instant second = first.plus(window);
        JsonNode like = awaitReport(first, second, rows.size());
        out.printf("   %d rows drawn like the training data, window %s .. %s%n", rows.size(), first, second);
        printReport(like);
        if (like.path("datasetDrift").asBoolean() || anyDrifted(like)) {
            throw new IllegalStateException("traffic like the training data was reported as drifted");
        }
        boolean monitored = false;
        for (JsonNode monitor : alice.graphql("query($d: String) { monitors(deployment: $d) { id kind } }", Map.of("d", NAME))
                .path("monitors")) {
            monitored |= monitor.path("kind").asText().equals("DATASET_DRIFT");
        }
        if (!monitored) {
            alice.graphql("mutation($input: MonitorInput!) { createMonitor(input: $input) { id } }",
                    Map.of("input", Map.of("deployment", NAME, "kind", "DATASET_DRIFT")));
        }
        alice.graphql("mutation($m: String!, $i: RetrainingPolicyInput!) { setRetrainingPolicy(model: $m, input: $i) { alias } }",
                Map.of("m", NAME, "i", Map.of("triggers", List.of("ON_ALERT"))));
        out.printf("%n8. Monitor  alice: DATASET_DRIFT monitor on %s (%s); retraining policy ON_ALERT for champion%n", NAME,
                monitored ? "already there" : "created");

        sleepUntil(second);
        send(inference, rows, version, true);
        Instant third = second.plus(window);
        out.printf("%n9. Shift    %d rows with %s shifted, window %s .. %s%n", rows.size(), new java.util.TreeSet<>(SHIFTS.keySet()),
                second, third);
        JsonNode shifted = awaitReport(second, third, rows.size());
        printReport(shifted);
        java.util.Set<String> drifted = new java.util.TreeSet<>();
        shifted.path("features").forEach(f -> {
            if (f.path("drifted").asBoolean()) {
                drifted.add(f.path("feature").asText());
            }
        });
        if (!shifted.path("datasetDrift").asBoolean() || !drifted.equals(new java.util.TreeSet<>(SHIFTS.keySet()))) {
            throw new IllegalStateException("the shifted traffic should drift on " + new java.util.TreeSet<>(SHIFTS.keySet())
                    + " only, but drifted on " + drifted + " (dataset drift " + shifted.path("datasetDrift") + ")");
        }

        Duration alertWait = window.multipliedBy(2).plusSeconds(60);
        JsonNode alert = await(alertWait, "a DATASET_DRIFT alert on the shifted window", () -> {
            for (JsonNode edge : alice.graphql("query($d: String) { alerts(deployment: $d, first: 20) { edges { node { id kind message at windowStart } } } }",
                    Map.of("d", NAME)).path("alerts").path("edges")) {
                JsonNode node = edge.path("node");
                if (node.path("kind").asText().equals("DATASET_DRIFT") && Instant.parse(node.path("windowStart").asText()).equals(second)) {
                    return node;
                }
            }
            return null;
        });
        String alertId = alert.path("id").asText();
        out.printf("%n10. Alert   %s at %s: %s%n", alertId, alert.path("at").asText(), alert.path("message").asText());

        JsonNode retraining = await(Duration.ofMinutes(4), "the retraining of alert " + alertId + " to request promotion", () -> {
            for (JsonNode r : alice.graphql("query($m: String) { retrainings(model: $m, last: 20) { id alertId status jobId newVersion"
                    + " promotionRequestId error } }", Map.of("m", NAME)).path("retrainings")) {
                if (r.path("alertId").asText().equals(alertId)) {
                    switch (r.path("status").asText()) {
                        case "TRAINING" -> {
                            return null;
                        }
                        case "REQUESTED" -> {
                            return r;
                        }
                        default -> throw new IllegalStateException("retraining " + r.path("id").asText() + " ended "
                                + r.path("status").asText() + ": " + r.path("error").asText());
                    }
                }
            }
            return null;
        });
        int retrained = retraining.path("newVersion").asInt();
        String requestId = retraining.path("promotionRequestId").asText();
        out.printf("%n11. Retrain retraining %s: job %s trained version %d on the newest %s dataset%n", retraining.path("id").asText(),
                retraining.path("jobId").asText(), retrained, NAME);

        JsonNode request = bob.graphql("query($id: ID!) { promotionRequest(id: $id) { status version alias requestedBy evidence { drift } } }",
                Map.of("id", requestId)).path("promotionRequest");
        String evidence = request.path("evidence").path("drift").asText(null);
        if (evidence == null) {
            throw new IllegalStateException("promotion request " + requestId + " carries no drift report");
        }
        JsonNode report;
        try {
            report = StackClient.JSON.readTree(evidence);
        } catch (IOException e) {
            throw new IllegalStateException("the drift evidence of " + requestId + " is not JSON", e);
        }
        List<String> evidenceDrifted = new ArrayList<>();
        report.path("features").forEach(f -> {
            if (f.path("drifted").asBoolean()) {
                evidenceDrifted.add(f.path("feature").asText());
            }
        });
        out.printf("%n12. Request %s by %s: %s -> version %d (%s); evidence: drift report of %s, %d rows, dataset drift %s on %s%n",
                requestId, request.path("requestedBy").asText(), request.path("alias").asText(), request.path("version").asInt(),
                request.path("status").asText(), report.path("deployment").asText(), report.path("rows").asInt(),
                report.path("datasetDrift").asBoolean(), evidenceDrifted);

        Instant before = Instant.now();
        bob.graphql("mutation($id: ID!) { approvePromotion(requestId: $id, comment: \"Drift confirmed; retrained on the newest data.\") { status } }",
                Map.of("id", requestId));
        awaitDeploymentServing(retrained);
        Instant after = Instant.now();
        out.printf("%n13. Approve bob approved; deployment %s serves version %d%n", NAME, retrained);
        int servedBefore = servingAt(second.plusMillis(width / 2));
        int servedAfter = servingAt(after);
        out.printf("   servingAt(%s) = version %d (shifted traffic)%n", second.plusMillis(width / 2), servedBefore);
        out.printf("   servingAt(%s) = version %d (after approval)%n", after, servedAfter);
        if (servedBefore != version || servedAfter != retrained) {
            throw new IllegalStateException("servingAt answered " + servedBefore + " and " + servedAfter + ", expected " + version
                    + " and " + retrained);
        }
        lineage(datasetId, alertId, requestId);
        return new Drift(retrained, alertId, requestId);
    }

    private void lineage(String datasetId, String alertId, String requestId) {
        JsonNode graph = alice.graphql("query($n: ID!) { lineage(nodeId: $n, direction: UPSTREAM, depth: 12) { nodes { id kind name } edges { from to kind } } }",
                Map.of("n", "deployment:" + NAME)).path("lineage");
        List<JsonNode> edges = new ArrayList<>();
        graph.path("edges").forEach(edges::add);
        List<JsonNode> chain = new ArrayList<>();
        chain.addAll(path(edges, "dataset:" + datasetId, "alert:" + alertId));
        chain.addAll(path(edges, "alert:" + alertId, "approval:" + requestId));
        chain.addAll(path(edges, "approval:" + requestId, "deployment:" + NAME));
        out.printf("%n14. Lineage upstream of deployment:%s: %d nodes, %d edges; the chain of this run:%n", NAME,
                graph.path("nodes").size(), edges.size());
        out.printf("   %s%n", chain.get(0).path("from").asText());
        for (JsonNode edge : chain) {
            out.printf("     -%s-> %s%n", edge.path("kind").asText(), edge.path("to").asText());
        }
    }

    /** The shortest directed path of edges from one node to another; fails when there is none. */
    private static List<JsonNode> path(List<JsonNode> edges, String from, String to) {
        Map<String, JsonNode> reachedBy = new LinkedHashMap<>();
        java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(List.of(from));
        java.util.Set<String> seen = new java.util.HashSet<>(List.of(from));
        while (!queue.isEmpty()) {
            String node = queue.poll();
            if (node.equals(to)) {
                List<JsonNode> path = new ArrayList<>();
                for (String at = to; !at.equals(from); at = reachedBy.get(at).path("from").asText()) {
                    path.add(0, reachedBy.get(at));
                }
                return path;
            }
            for (JsonNode edge : edges) {
                String next = edge.path("to").asText();
                if (edge.path("from").asText().equals(node) && seen.add(next)) {
                    reachedBy.put(next, edge);
                    queue.add(next);
                }
            }
        }
        throw new IllegalStateException("the lineage graph has no path from " + from + " to " + to);
    }

    private int servingAt(Instant at) {
        return alice.graphql("query($d: String!, $at: DateTime!) { servingAt(deployment: $d, at: $at) { version } }",
                Map.of("d", NAME, "at", at.toString())).path("servingAt").path("version").asInt(-1);
    }

    private void send(InferenceGrpc.InferenceBlockingStub inference, List<Map<String, String>> rows, int version, boolean shift) {
        for (Map<String, String> row : rows) {
            Map<String, String> sent = new LinkedHashMap<>(row);
            if (shift) {
                SHIFTS.forEach((column, move) -> {
                    if (!row.get(column).isBlank()) {
                        sent.put(column, Double.toString(move.applyAsDouble(Double.parseDouble(row.get(column)))));
                    }
                });
            }
            PredictResponse answer = predict(inference, sent);
            if (answer.getModelVersion() != version) {
                throw new IllegalStateException("the deployment answered with version " + answer.getModelVersion() + ", not " + version);
            }
        }
    }

    private PredictResponse predict(InferenceGrpc.InferenceBlockingStub inference, Map<String, String> row) {
        PredictRequest.Builder call = PredictRequest.newBuilder().setDeployment(NAME);
        row.forEach((column, value) -> {
            // An empty cell is a missing value: the feature is left out.
            if (!column.equals(TARGET) && !value.isBlank()) {
                call.putFeatures(column, featureValue(value));
            }
        });
        return inference.withDeadlineAfter(5, TimeUnit.SECONDS).predict(call.build());
    }

    private JsonNode awaitReport(Instant from, Instant to, int rows) throws InterruptedException {
        return await(Duration.between(from, to).plusSeconds(45), "a drift report over " + rows + " rows from " + from, () -> {
            JsonNode report = alice.graphql("""
                    query($d: String!, $from: DateTime!, $to: DateTime!) { driftReport(deployment: $d, from: $from, to: $to) {
                      rows datasetDrift driftShare version features { feature test statistic pValue threshold drifted psi } } }""",
                    Map.of("d", NAME, "from", from.toString(), "to", to.toString())).path("driftReport");
            return report.path("rows").asInt() >= rows ? report : null;
        });
    }

    private void printReport(JsonNode report) {
        out.printf("   driftReport: %d rows against version %d's reference, dataset drift %s (share %.2f)%n",
                report.path("rows").asInt(), report.path("version").asInt(), report.path("datasetDrift").asBoolean(),
                report.path("driftShare").asDouble());
        out.printf("   %-16s %-12s %-10s %-10s %-10s %-8s %s%n", "feature", "test", "statistic", "p-value", "threshold", "psi", "drifted");
        for (JsonNode f : report.path("features")) {
            out.printf("   %-16s %-12s %-10.4f %-10s %-10.3f %-8.3f %s%n", f.path("feature").asText(), f.path("test").asText(),
                    f.path("statistic").asDouble(), f.path("pValue").isNull() ? "-" : String.format("%.4f", f.path("pValue").asDouble()),
                    f.path("threshold").asDouble(), f.path("psi").asDouble(), f.path("drifted").asBoolean() ? "DRIFT" : "no");
        }
    }

    private static boolean anyDrifted(JsonNode report) {
        for (JsonNode f : report.path("features")) {
            if (f.path("drifted").asBoolean()) {
                return true;
            }
        }
        return false;
    }

    private static void sleepUntil(Instant at) throws InterruptedException {
        long millis = Duration.between(Instant.now(), at).toMillis();
        if (millis > 0) {
            Thread.sleep(millis + 200);
        }
    }

    /** Polls until {@code check} answers non-null; fails naming {@code what} after {@code timeout}. */
    private static <T> T await(Duration timeout, String what, java.util.function.Supplier<T> check) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            T found = check.get();
            if (found != null) {
                return found;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(what + " did not happen within " + timeout.toSeconds() + " s");
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
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
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
