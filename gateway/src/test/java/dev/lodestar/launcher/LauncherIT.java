package dev.lodestar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.NodeClient;

/**
 * {@code ./lodestar} itself, as a newcomer runs it: {@code up} with the production-style configuration (an
 * external PostgreSQL and Keycloak, here those of the test stack), the README's walkthrough against what it
 * started, {@code status}, {@code down}, and the one-line failures for a busy port and a missing Java.
 */
class LauncherIT {

    static final Path HOME = Path.of(System.getProperty("lodestar.root", "..")).toAbsolutePath().normalize();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static Map<String, String> env;
    static Result up;

    record Result(int exit, String output) {
    }

    @BeforeAll
    static void up() throws Exception {
        TestStack.Addresses stack = TestStack.get();
        env = new HashMap<>(Map.of(
                "LODESTAR_DATA_DIR", data.toString(),
                "LODESTAR_GATEWAY_PORT", Integer.toString(freePort()),
                "LODESTAR_GRPC_PORT", Integer.toString(freePort()),
                "LODESTAR_INFERENCE_MANAGEMENT_PORT", Integer.toString(freePort()),
                "LODESTAR_DB_URL", stack.jdbcUrl(),
                "LODESTAR_DB_USER", stack.dbUser(),
                "LODESTAR_DB_PASSWORD", stack.dbPassword(),
                "LODESTAR_OIDC_ISSUER", stack.issuer(),
                "LODESTAR_GATEWAY_CLIENT_SECRET", stack.gatewaySecret(),
                "LODESTAR_PREDICTOR_CLIENT_SECRET", stack.predictorSecret()));
        env.put("LODESTAR_INFERENCE_CLIENT_SECRET", stack.inferenceSecret());
        up = lodestar(env, "up");
    }

    @AfterAll
    static void down() throws Exception {
        lodestar(env, "down");
    }

    @Test
    void upStartsTheApplicationsAndSaysWhereEverythingIs() throws Exception {
        assertThat(up.exit()).as(up.output()).isZero();
        assertThat(up.output()).contains("Lodestar is up").contains("/graphql").contains("/admin");
        Map<String, String> stackEnv = stackEnv();
        assertThat(stackEnv).containsKeys("LODESTAR_GATEWAY_URL", "LODESTAR_GRAPHQL_URL", "LODESTAR_ADMIN_URL",
                "LODESTAR_GRPC_TARGET", "LODESTAR_OIDC_ISSUER", "LODESTAR_DB_JDBC_URL", "LODESTAR_DB_USER",
                "LODESTAR_DB_PASSWORD", "LODESTAR_PREDICTOR_CLIENT_ID", "LODESTAR_PREDICTOR_CLIENT_SECRET");
        assertThat(stackEnv.get("LODESTAR_GRPC_TARGET")).isEqualTo("localhost:" + env.get("LODESTAR_GRPC_PORT"));
        assertThat(Files.getPosixFilePermissions(data.resolve("stack.env"))).hasSize(2);

        Result status = lodestar(env, "status");
        assertThat(status.exit()).as(status.output()).isZero();
        assertThat(status.output()).contains("gateway").contains("inference").contains("ready").contains("external");
    }

    @Test
    void theReadmeWalkthroughWorksAgainstTheStartedStack() throws Exception {
        Map<String, String> stackEnv = stackEnv();
        String alice = token(stackEnv, "alice");
        String carol = token(stackEnv, "carol");
        String name = "walkthrough-" + System.nanoTime();

        String experiment = graphql(stackEnv, alice, "mutation { createExperiment(name: \"" + name + "\") { id } }")
                .path("data").path("createExperiment").path("id").asText();
        String run = graphql(stackEnv, alice, "mutation { createRun(experimentId: \"" + experiment + "\", name: \"first\") { id } }")
                .path("data").path("createRun").path("id").asText();
        graphql(stackEnv, alice, "mutation { logBatch(runId: \"" + run + "\", metrics: [{key: \"accuracy\", value: 0.91, step: 1}],"
                + " params: [{key: \"model\", value: \"cart\"}]) { id } }");
        JsonNode found = graphql(stackEnv, alice, "{ searchRuns(experimentIds: [\"" + experiment + "\"],"
                + " filter: \"metrics.accuracy > 0.9 AND params.model = 'cart'\") { edges { node { id } } } }");
        JsonNode carolReads = graphql(stackEnv, carol, "{ run(id: \"" + run + "\") { latestMetrics { key value } } }");
        JsonNode carolWrites = graphql(stackEnv, carol, "mutation { createExperiment(name: \"not-allowed\") { id } }");
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(stackEnv.get("LODESTAR_GRAPHQL_URL")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ experiments { totalCount } }\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(found.path("data").path("searchRuns").path("edges").get(0).path("node").path("id").asText()).isEqualTo(run);
        assertThat(carolReads.path("data").path("run").path("latestMetrics").get(0).path("value").asDouble()).isEqualTo(0.91);
        assertThat(carolWrites.path("errors").get(0).path("extensions").path("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("UNAUTHENTICATED");
    }

    @Test
    void theDemoGoesFromDatasetToGrpcPredictionsAndIndependentClientsScoreTheSameDeployment() throws Exception {
        Result demo = lodestar(env, "demo");

        assertThat(demo.exit()).as(demo.output()).isZero();
        assertThat(demo.output()).contains("1. Dataset", "2. Training", "SUCCEEDED", "3. Model", "READY",
                "4. Approval", "bob approved", "5. Deploy", "serves version 1", "6. Predict",
                "dataset drift false", "dataset drift true", "10. Alert", "12. Request", "by system",
                "deployment churn-demo serves version 2", "= version 1 (shifted traffic)", "= version 2 (after approval)",
                "-RAISED-> alert:", "-TRIGGERED-> run:", "-PROMOTED-> deployment:churn-demo", "Where to look",
                "/admin/deployments/churn-demo");
        Map<String, String> stackEnv = stackEnv();
        String predictor = clientToken(stackEnv, stackEnv.get("LODESTAR_PREDICTOR_CLIENT_ID"),
                stackEnv.get("LODESTAR_PREDICTOR_CLIENT_SECRET"));
        NodeClient node = new NodeClient(HOME, stackEnv.get("LODESTAR_GRPC_TARGET"));
        Map<String, Object> row = firstRowWithoutTarget();

        JsonNode predicted = node.call("predict", Map.of("token", predictor, "deployment", "churn-demo", "features", row));
        JsonNode unknown = node.call("predict", Map.of("token", predictor, "deployment", "no-such-deployment", "features", row));
        JsonNode anonymous = node.call("predict", Map.of("deployment", "churn-demo", "features", row));
        JsonNode ready = node.call("oip-ready", Map.of("token", predictor, "model", "churn-demo"));
        JsonNode metadata = node.call("oip-metadata", Map.of("token", predictor, "model", "churn-demo"));
        List<Map<String, Object>> inputs = new java.util.ArrayList<>();
        row.forEach((name, value) -> inputs.add(value instanceof Number number
                ? Map.of("name", name, "datatype", "FP64", "shape", List.of(1), "contents", Map.of("fp64_contents", List.of(number)))
                : Map.of("name", name, "datatype", "BYTES", "shape", List.of(1),
                        "contents", Map.of("bytes_contents", List.of(java.util.Base64.getEncoder().encodeToString(
                                value.toString().getBytes(StandardCharsets.UTF_8)))))));
        JsonNode inferred = node.call("oip-infer", Map.of("token", predictor, "model", "churn-demo", "id", "node-1", "inputs", inputs));

        JsonNode answer = predicted.path("answer");
        assertThat(predicted.path("error").isMissingNode()).as(predicted.toString()).isTrue();
        assertThat(answer.path("deployment").asText()).isEqualTo("churn-demo");
        assertThat(answer.path("model_version").asInt()).isPositive();
        assertThat(answer.path("prediction_id").asText()).isNotBlank();
        assertThat(answer.path("classification").path("label").asText()).isIn("0", "1");
        assertThat(unknown.path("error").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(anonymous.path("error").path("code").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(ready.path("answer").path("live").asBoolean()).isTrue();
        assertThat(ready.path("answer").path("modelReady").asBoolean()).as(ready.toString()).isTrue();
        assertThat(metadata.path("answer").path("name").asText()).isEqualTo("churn-demo");
        assertThat(metadata.path("answer").path("inputs")).hasSize(row.size());
        assertThat(inferred.path("error").isMissingNode()).as(inferred.toString()).isTrue();
        assertThat(inferred.path("answer").path("id").asText()).isEqualTo("node-1");
        assertThat(inferred.path("answer").path("outputs").findValuesAsText("name")).contains("label");
    }

    static Map<String, Object> firstRowWithoutTarget() throws IOException {
        List<String> lines = Files.readAllLines(HOME.resolve("examples/churn.csv"));
        String[] header = lines.get(0).split(",");
        String[] cells = lines.get(1).split(",");
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) {
            if (!header[i].equals("churned")) {
                row.put(header[i], cells[i].matches("-?[0-9.]+") ? Double.parseDouble(cells[i]) : cells[i]);
            }
        }
        return row;
    }

    static String clientToken(Map<String, String> stackEnv, String client, String secret) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + client + "&client_secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        String body = HTTP.send(HttpRequest.newBuilder(URI.create(stackEnv.get("LODESTAR_TOKEN_URL")))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(body).path("access_token").asText();
    }

    @Test
    void aBusyPortIsOneLineNamingThePortAndItsVariableAndNothingIsLeftRunning(@TempDir Path otherData) throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            Map<String, String> clash = new HashMap<>(env);
            clash.put("LODESTAR_DATA_DIR", otherData.toString());
            clash.put("LODESTAR_GATEWAY_PORT", Integer.toString(busy.getLocalPort()));
            clash.put("LODESTAR_GRPC_PORT", Integer.toString(freePort()));
            clash.put("LODESTAR_INFERENCE_MANAGEMENT_PORT", Integer.toString(freePort()));

            Result result = lodestar(clash, "up");

            assertThat(result.exit()).isEqualTo(1);
            assertThat(result.output().strip().lines().filter(l -> l.startsWith("lodestar:")).toList()).containsExactly(
                    "lodestar: port " + busy.getLocalPort() + " (gateway HTTP) is already in use by another program;"
                            + " stop it or choose another port with LODESTAR_GATEWAY_PORT");
            assertThat(lodestar(clash, "status").output()).doesNotContain("ready");
        }
    }

    @Test
    void withoutJavaTheLauncherSaysSo(@TempDir Path bin) throws Exception {
        for (String tool : List.of("bash", "dirname", "sed", "cat", "find", "mkdir")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool));
        }
        ProcessBuilder builder = new ProcessBuilder(bin.resolve("bash").toString(), HOME.resolve("lodestar").toString(), "up")
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", bin.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).isEqualTo(1);
        assertThat(output.strip()).startsWith("lodestar: Java 17 or newer is required").doesNotContain("\n");
    }

    static Result lodestar(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", HOME.resolve("lodestar").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(HOME.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), output);
    }

    static Map<String, String> stackEnv() throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(data.resolve("stack.env"))) {
            int equals = line.indexOf('=');
            if (!line.startsWith("#") && equals > 0) {
                values.put(line.substring(0, equals), line.substring(equals + 1).replaceAll("^'|'$", ""));
            }
        }
        return values;
    }

    static String token(Map<String, String> stackEnv, String user) throws Exception {
        String form = "grant_type=password&client_id=lodestar-cli&username=" + user + "&password="
                + URLEncoder.encode(user, StandardCharsets.UTF_8);
        String body = HTTP.send(HttpRequest.newBuilder(URI.create(stackEnv.get("LODESTAR_OIDC_ISSUER") + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(body).path("access_token").asText();
    }

    static JsonNode graphql(Map<String, String> stackEnv, String token, String query) throws Exception {
        String body = JSON.writeValueAsString(Map.of("query", query));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stackEnv.get("LODESTAR_GRAPHQL_URL")))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
