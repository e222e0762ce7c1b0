package dev.lodestar.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.devstack.LocalKeycloak;
import dev.lodestar.devstack.TestStack;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.ListDeploymentsRequest;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.inference.v1.FeatureValue;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

/**
 * The packaged inference server, started as its own process and called over a socket with the generated client,
 * authenticated by real tokens of the real Keycloak.
 */
class InferenceServerIT {

    static Process server;
    static Path log;
    static int grpcPort;
    static int managementPort;
    static ManagedChannel channel;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startServer() throws Exception {
        TestStack.Addresses stack = TestStack.get();
        grpcPort = freePort();
        managementPort = freePort();
        log = Path.of(System.getProperty("lodestar.test.output", "target/test-stack"), "inference-it.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                System.getProperty("lodestar.inference.jar", "target/inference-grpc.jar"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("LODESTAR_GRPC_HOST", "127.0.0.1");
        builder.environment().put("LODESTAR_GRPC_PORT", Integer.toString(grpcPort));
        builder.environment().put("LODESTAR_INFERENCE_MANAGEMENT_PORT", Integer.toString(managementPort));
        builder.environment().put("LODESTAR_OIDC_ISSUER", stack.issuer());
        builder.environment().put("LODESTAR_INFERENCE_SHUTDOWN_GRACE_SECONDS", "5");
        server = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (httpStatus("/q/health/ready") != 200) {
            assertThat(server.isAlive()).as("inference server alive; see " + log).isTrue();
            assertThat(System.nanoTime()).as("ready within 60 s; see " + log).isLessThan(deadline);
            Thread.sleep(100);
        }
        channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
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

        assertThat(stub.listDeployments(ListDeploymentsRequest.getDefaultInstance()).getDeploymentsList()).isEmpty();
        assertThatThrownBy(() -> stub.predict(request("churn")))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND))
                .hasMessageContaining("churn");
        assertThatThrownBy(() -> stub.predict(request("")))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
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

    private static double calls(String method, String code) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
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
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).build(),
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
