package dev.lodestar.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.testing.AppProcess;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * Keycloak stopped while a gateway and an inference replica run on it (a Keycloak of this test's own, issuing
 * tokens that live {@value #LIFESPAN_SECONDS} s): a token issued before keeps working for predictions until it
 * expires, then is refused {@code UNAUTHENTICATED}; signing in to the admin does not hang or leak details.
 */
class KeycloakOutageIT {

    private static final int LIFESPAN_SECONDS = 15;
    private static final Path OUTPUT = Path.of(System.getProperty("lodestar.test.output", "target/test-stack")).toAbsolutePath();

    private static OwnKeycloak keycloak;
    private static AppProcess gateway;
    private static AppProcess inference;
    private static int gatewayPort;
    private static int grpcPort;

    @BeforeAll
    static void start() {
        gatewayPort = AppProcess.freePort();
        keycloak = OwnKeycloak.start("faults_keycloak", gatewayPort, OUTPUT);
        Map<String, String> issuer = Map.of("LODESTAR_OIDC_ISSUER", keycloak.issuer());
        gateway = AppProcess.gateway("gateway-keycloak-outage", gatewayPort, AppProcess.Database.fresh("faults_keycloak_outage"),
                OUTPUT.resolve("artifacts-keycloak-outage"), "form-key-keycloak-outage", issuer).startReady(Duration.ofSeconds(120));
        ServedChurnModel.deploy(new GatewayEndpoint(gatewayPort), ClientTokens.user(keycloak.tokenUrl(), "alice"),
                "churn-keycloak", "churn");
        grpcPort = AppProcess.freePort();
        inference = AppProcess.inference("inference-keycloak-outage", grpcPort, AppProcess.freePort(),
                "http://127.0.0.1:" + gatewayPort, OUTPUT.resolve("cache-keycloak-outage"),
                Map.of("LODESTAR_OIDC_ISSUER", keycloak.issuer(), "LODESTAR_DRIFT_SHIP", "false"))
                .startReady(Duration.ofSeconds(90));
        // Short-lived tokens from here on: setting up took tokens of the usual lifespan.
        keycloak.accessTokenLifespan(Duration.ofSeconds(LIFESPAN_SECONDS));
    }

    @AfterAll
    static void stop() {
        if (inference != null) {
            inference.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    void issuedTokensServePredictionsUntilTheyExpireWhileKeycloakIsDown() throws Exception {
        FaultFigures figures = new FaultFigures("keycloak-outage");
        String token = ClientTokens.clientCredentials(keycloak.tokenUrl(), "lodestar-predictor", TestStack.get().predictorSecret());
        long expiresAtMillis = expiry(token);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        try {
            InferenceGrpc.InferenceBlockingStub stub = InferenceGrpc.newBlockingStub(channel)
                    .withCallCredentials(new BearerCredentials(token));
            Random random = new Random(3);
            // The first call verifies the token's signature and warms the replica up; later ones reuse both.
            stub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(ServedChurnModel.request("churn", random));

            long stopped = System.nanoTime();
            keycloak.close();
            figures.note("keycloakStopMs", (System.nanoTime() - stopped) / 1_000_000);

            // Until the token expires, predictions keep being answered.
            long refusedBeforeExpiry = 0;
            while (System.currentTimeMillis() < expiresAtMillis - 1_000) {
                figures.sent.incrementAndGet();
                try {
                    stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(ServedChurnModel.request("churn", random));
                } catch (StatusRuntimeException e) {
                    figures.failed.incrementAndGet();
                    refusedBeforeExpiry++;
                }
                Stopwatch.pause(20);
            }
            figures.note("servedForMsAfterStop", (System.nanoTime() - stopped) / 1_000_000);

            // Signing in to the admin cannot reach Keycloak: the gateway says so at once, without a stack trace.
            HttpResponse<String> admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/admin"))
                            .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            figures.note("adminStatus", admin.statusCode());
            assertThat(admin.statusCode()).isEqualTo(503);
            assertThat(admin.headers().firstValue("Retry-After")).isPresent();
            assertThat(admin.body()).contains("Sign-in is unavailable", keycloak.issuer())
                    .doesNotContain("Exception", "\tat ");

            // Once expired, the same token is refused, and no new one can be had.
            Stopwatch.millisUntil(System.nanoTime(), () -> System.currentTimeMillis() > expiresAtMillis + 200,
                    Duration.ofSeconds(LIFESPAN_SECONDS + 5), "the token's expiry");
            Status refused = null;
            try {
                stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(ServedChurnModel.request("churn", random));
            } catch (StatusRuntimeException e) {
                refused = e.getStatus();
            }
            assertThat(refused).as("a prediction with the expired token").isNotNull();
            assertThat(refused.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(refused.getDescription()).contains("expired");
            assertThat(OwnKeycloak.status(keycloak.tokenUrl())).isEqualTo(-1);
            figures.publish();

            assertThat(refusedBeforeExpiry).as("predictions refused before the token expired").isZero();
            assertThat(figures.sent.get()).isPositive();
        } finally {
            channel.shutdownNow();
        }
    }

    private static long expiry(String jwt) throws Exception {
        byte[] claims = Base64.getUrlDecoder().decode(jwt.split("\\.")[1]);
        return new ObjectMapper().readTree(claims).path("exp").asLong() * 1000;
    }
}
