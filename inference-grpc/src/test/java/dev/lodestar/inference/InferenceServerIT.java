package dev.lodestar.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.devstack.LocalKeycloak;
import dev.lodestar.devstack.TestStack;
import dev.lodestar.inference.v1.DeploymentState;
import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.ListDeploymentsRequest;
import dev.lodestar.inference.v1.PredictBatchRequest;
import dev.lodestar.inference.v1.PredictBatchResponse;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.inference.v1.PredictResponse;
import dev.lodestar.inference.v1.Row;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

/**
 * The packaged inference server, started as its own process and called over a socket with the generated client,
 * authenticated by real tokens of the real Keycloak, serving a Tribuo model named in a desired state file
 * ({@code LODESTAR_SERVING_FILE}).
 */
class InferenceServerIT {

    static Path directory;
    static TestModels.Artifact risk;
    static Launched server;
    static int grpcPort;
    static int managementPort;
    static ManagedChannel channel;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A packaged server process, its ports and its log. */
    record Launched(Process process, int grpcPort, int managementPort, Path log) {
    }

    @BeforeAll
    static void startServer() throws Exception {
        directory = Path.of(System.getProperty("lodestar.test.output", "target/test-stack"), "inference-it");
        Files.createDirectories(directory);
        risk = TestModels.write(TestModels.classifier(1), directory.resolve("risk-v1.model"));
        Path state = directory.resolve("state.json");
        Files.writeString(state, TestModels.state(1, "risk", 1, risk, null, null, null, null, null));
        server = launch("inference-it", state);
        grpcPort = server.grpcPort();
        managementPort = server.managementPort();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!riskListed(channel)) {
            assertThat(System.nanoTime()).as("deployment risk loaded within 30 s; see " + server.log()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Starts the packaged jar with a desired state file and waits until it is ready. */
    static Launched launch(String name, Path stateFile) throws Exception {
        TestStack.Addresses stack = TestStack.get();
        int grpc = freePort();
        int management = freePort();
        Path log = directory.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                System.getProperty("lodestar.inference.jar", "target/inference-grpc.jar"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("LODESTAR_GRPC_HOST", "127.0.0.1");
        builder.environment().put("LODESTAR_GRPC_PORT", Integer.toString(grpc));
        builder.environment().put("LODESTAR_INFERENCE_MANAGEMENT_PORT", Integer.toString(management));
        builder.environment().put("LODESTAR_OIDC_ISSUER", stack.issuer());
        builder.environment().put("LODESTAR_INFERENCE_SHUTDOWN_GRACE_SECONDS", "5");
        builder.environment().put("LODESTAR_SERVING_FILE", stateFile.toString());
        builder.environment().put("LODESTAR_INFERENCE_CACHE_DIR", directory.resolve(name + "-cache").toString());
        Launched launched = new Launched(builder.start(), grpc, management, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (httpStatus(management, "/q/health/ready") != 200) {
            assertThat(launched.process().isAlive()).as("inference server alive; see " + log).isTrue();
            assertThat(System.nanoTime()).as("ready within 60 s; see " + log).isLessThan(deadline);
            Thread.sleep(100);
        }
        return launched;
    }

    private static boolean riskListed(ManagedChannel channel) {
        return inference(channel, predictorToken()).listDeployments(ListDeploymentsRequest.getDefaultInstance())
                .getDeploymentsList().stream()
                .anyMatch(d -> d.getName().equals("risk") && d.getState() == DeploymentState.State.READY);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.process().destroy();
            server.process().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void healthAnswersWithoutAToken() {
        var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);

        assertThat(health.check(HealthCheckRequest.newBuilder().build()).getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder().setService(InferenceGrpc.SERVICE_NAME).build()).getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void callsWithoutAValidTokenAreUnauthenticated() {
        assertThat(statusOf(inference(null))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(statusOf(inference("garbage"))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(statusOf(inference(masterRealmToken()))).as("a token of another realm").isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void aUserWithoutThePredictorRoleIsDenied() {
        var denied = assertThatThrownBy(() -> inference(userToken("alice")).predict(request("churn")));
        denied.isInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED))
                .hasMessageContaining("predictor");
    }

    @Test
    void thePredictorClientReachesTheService() {
        var stub = inference(predictorToken());

        assertThat(stub.listDeployments(ListDeploymentsRequest.getDefaultInstance()).getDeploymentsList())
                .extracting(DeploymentState::getName).containsExactly("risk");
        assertThatThrownBy(() -> stub.predict(request("churn")))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND))
                .hasMessageContaining("churn");
        assertThatThrownBy(() -> stub.predict(request("")))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void aDeploymentFromTheServingFileAnswersWhatTheModelPredicts() {
        var stub = inference(predictorToken());
        Random random = new Random(21);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Map<String, FeatureValue> row = TestModels.row(random);
            PredictResponse response = stub.predict(PredictRequest.newBuilder().setDeployment("risk").putAllFeatures(row)
                    .build());
            @SuppressWarnings("unchecked")
            Prediction<Label> expected = TestModels.tribuo((Model<Label>) risk.model(), TestModels.numbersOf(row));
            assertThat(response.getDeployment()).isEqualTo("risk");
            assertThat(response.getModel()).isEqualTo("risk-model");
            assertThat(response.getModelVersion()).isEqualTo(1);
            assertThat(response.getClassification().getLabel()).isEqualTo(expected.getOutput().getLabel());
            expected.getOutputScores().forEach((label, score) -> assertThat(response.getClassification().getScoresMap()
                    .get(label)).isCloseTo(score.getScore(), within(1e-6)));
            ids.add(response.getPredictionId());
        }
        assertThat(ids).hasSize(20).allSatisfy(id -> assertThat(id).isNotBlank());
    }

    @Test
    void callersWithoutThePredictorRoleCannotScoreTheDeployment() {
        PredictRequest request = PredictRequest.newBuilder().setDeployment("risk")
                .putAllFeatures(TestModels.row(new Random(1))).build();
        assertThatThrownBy(() -> inference(userToken("alice")).predict(request))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() -> inference(null).predict(request))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    @Test
    void theMetricsEndpointShowsTheDeploymentsMeters() throws Exception {
        inference(predictorToken()).predict(PredictRequest.newBuilder().setDeployment("risk")
                .putAllFeatures(TestModels.row(new Random(2))).build());
        String metrics = metrics(managementPort);

        assertThat(metrics).contains("lodestar_serving_requests_total{deployment=\"risk\",version=\"1\"}")
                .contains("lodestar_serving_predictions_total{deployment=\"risk\",version=\"1\"}")
                .contains("lodestar_serving_latency_seconds_bucket{deployment=\"risk\",version=\"1\"")
                .contains("lodestar_serving_in_flight{deployment=\"risk\",version=\"1\"}")
                .contains("lodestar_serving_model_load_seconds{deployment=\"risk\",version=\"1\"}")
                .contains("lodestar_serving_swaps_total{deployment=\"risk\"}");
    }

    @Test
    void aStoppedServerGoesNotServingAndFinishesTheCallsItAdmitted() throws Exception {
        Path state = directory.resolve("drain-state.json");
        Files.writeString(state, TestModels.state(1, "risk", 1, risk, null, null, null, null, null));
        Launched draining = launch("inference-it-drain", state);
        ManagedChannel drainChannel = NettyChannelBuilder.forAddress("127.0.0.1", draining.grpcPort()).usePlaintext().build();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!riskListed(drainChannel)) {
                assertThat(System.nanoTime()).as("risk loaded; see " + draining.log()).isLessThan(deadline);
                Thread.sleep(100);
            }
            BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + predictorToken());
            StreamObserver<PredictBatchRequest> stream = InferenceGrpc.newStub(drainChannel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .predictStream(new StreamObserver<>() {
                        @Override
                        public void onNext(PredictBatchResponse value) {
                            answers.add(value);
                        }

                        @Override
                        public void onError(Throwable t) {
                            answers.add(t);
                        }

                        @Override
                        public void onCompleted() {
                            answers.add("completed");
                        }
                    });
            PredictBatchRequest batch = PredictBatchRequest.newBuilder().setDeployment("risk")
                    .addRows(Row.newBuilder().putAllFeatures(TestModels.row(new Random(3)))).build();
            stream.onNext(batch.toBuilder().setCorrelationId("before").build());
            assertThat(answers.poll(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(PredictBatchResponse.class,
                    r -> assertThat(r.getCorrelationId()).isEqualTo("before"));

            draining.process().destroy();
            var health = HealthGrpc.newBlockingStub(drainChannel);
            long notServingBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            ServingStatus status = ServingStatus.SERVING;
            while (status == ServingStatus.SERVING && System.nanoTime() < notServingBy) {
                try {
                    status = health.withDeadlineAfter(1, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
                            .getStatus();
                } catch (StatusRuntimeException e) {
                    status = ServingStatus.NOT_SERVING;
                }
            }
            assertThat(status).as("health after SIGTERM").isEqualTo(ServingStatus.NOT_SERVING);
            assertThat(draining.process().isAlive()).as("the server waits for the open call").isTrue();

            stream.onNext(batch.toBuilder().setCorrelationId("after").build());
            assertThat(answers.poll(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(PredictBatchResponse.class, r -> {
                assertThat(r.getCorrelationId()).isEqualTo("after");
                assertThat(r.getPredictionsCount()).isEqualTo(1);
            });
            stream.onCompleted();
            assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("completed");
            assertThat(draining.process().waitFor(10, TimeUnit.SECONDS)).as("exited after draining").isTrue();
            assertThat(Files.readString(draining.log())).contains("Stopping: draining", "Stopped").doesNotContain("cancelling them");
        } finally {
            drainChannel.shutdownNow();
            draining.process().destroyForcibly();
        }
    }

    @Test
    void callsAreCountedByMethodAndCodeOnTheMetricsEndpoint() throws Exception {
        double before = calls("Predict", "UNAUTHENTICATED");
        statusOf(inference(null));
        statusOf(inference(null));

        assertThat(calls("Predict", "UNAUTHENTICATED")).isEqualTo(before + 2);
        assertThat(httpStatus("/q/health/live")).isEqualTo(200);
    }

    private static InferenceGrpc.InferenceBlockingStub inference(String token) {
        return inference(channel, token);
    }

    private static InferenceGrpc.InferenceBlockingStub inference(ManagedChannel channel, String token) {
        var stub = InferenceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
        if (token == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static Status.Code statusOf(InferenceGrpc.InferenceBlockingStub stub) {
        try {
            stub.predict(request("churn"));
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private static PredictRequest request(String deployment) {
        return PredictRequest.newBuilder().setDeployment(deployment)
                .putFeatures("tenure_months", FeatureValue.newBuilder().setNumber(12).build())
                .putFeatures("plan", FeatureValue.newBuilder().setText("pro").build())
                .build();
    }

    private static String metrics(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double calls(String method, String code) throws Exception {
        String metrics = metrics(managementPort);
        Matcher matcher = Pattern.compile("^lodestar_inference_calls_seconds_count\\{code=\"" + code + "\",method=\"" + method
                + "\"} ([0-9.eE+]+)$", Pattern.MULTILINE).matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static String predictorToken() {
        return token(TestStack.get().tokenUrl(), Map.of("grant_type", "client_credentials", "client_id", "lodestar-predictor",
                "client_secret", TestStack.get().predictorSecret()));
    }

    private static String userToken(String user) {
        return token(TestStack.get().tokenUrl(), Map.of("grant_type", "password", "client_id", "lodestar-cli",
                "username", user, "password", user));
    }

    private static String masterRealmToken() {
        String issuer = TestStack.get().issuer();
        return token(issuer.substring(0, issuer.indexOf("/realms/")) + "/realms/master/protocol/openid-connect/token",
                Map.of("grant_type", "password", "client_id", "admin-cli", "username", LocalKeycloak.BOOTSTRAP_ADMIN,
                        "password", LocalKeycloak.BOOTSTRAP_ADMIN));
    }

    private static String token(String url, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return new ObjectMapper().readTree(response.body()).path("access_token").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int httpStatus(String path) {
        return httpStatus(managementPort, path);
    }

    private static int httpStatus(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
