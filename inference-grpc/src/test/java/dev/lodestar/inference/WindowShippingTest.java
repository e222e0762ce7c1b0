package dev.lodestar.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.lodestar.deploy.model.PredictionId;
import dev.lodestar.drift.sketch.Profile;
import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.inference.v1.FeedbackRequest;
import dev.lodestar.inference.v1.FeedbackResponse;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.Outcome;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.inference.v1.PredictResponse;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

/**
 * Window shipping (contract 3) from a server configured with a control plane, as in production: the control plane is a
 * small real HTTP server in this test (realm discovery, signing keys, the client-credentials token endpoint, replica
 * reports, and {@code POST /api/serving/windows}, which records every body and answers as told). Shipping runs on its
 * own schedule (every 200 ms here); time for the windows is a manual clock.
 */
class WindowShippingTest {

    static final Instant WINDOW = Instant.parse("2026-11-23T09:05:00Z");
    static final String TOKEN = "shipping-token-1";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path directory;
    static ControlPlane plane;
    static ServingFixture fixture;
    static InferenceGrpc.InferenceBlockingStub inference;
    static final ServingFixture.ManualClock clock = new ServingFixture.ManualClock(WINDOW.plusSeconds(1));

    @BeforeAll
    static void start() throws Exception {
        plane = new ControlPlane();
        TestModels.Artifact v1 = TestModels.write(TestModels.classifier(1), directory.resolve("churn-v1.model"));
        fixture = ServingFixture.start(directory.resolve("server"),
                TestModels.state(1, "churn", 1, v1, null, null, null, null, null),
                config -> config.withGateway(plane.uri(), plane.issuer(), "lodestar-inference", "s3cret")
                        .withDrift(config.drift().withWindow(Duration.ofMinutes(1))
                                .withShipInterval(Duration.ofMillis(200))),
                clock);
        ServingFixture.await("churn ready and keys known", () -> fixture.server.ready()
                && fixture.server.serving().deployment("churn") != null
                && fixture.server.serving().deployment("churn").route() != null);
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + plane.callerToken());
        inference = InferenceGrpc.newBlockingStub(fixture.channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @AfterAll
    static void stop() {
        fixture.close();
        plane.close();
    }

    @Test
    void windowsAreShippedCumulativelyRetriedAfterAFailureAndShippedOnceMoreWhenClosed() throws Exception {
        plane.answerNext(503);
        Random random = new Random(3);
        List<Double> f00 = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            f00.add(predict(random).f00());
        }

        Post accepted = plane.await("30 rows accepted", 0, post -> post.status() == 204 && rows(post) == 30);
        Post refused = plane.posts.get(0);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(rows(refused)).isBetween(1L, 30L);
        for (Post post : plane.posts) {
            assertThat(post.authorization()).isEqualTo("Bearer " + TOKEN);
            assertThat(post.contentType()).isEqualTo("application/json");
        }
        JsonNode body = accepted.body();
        assertThat(body.get("replicaId").asText()).isEqualTo("local");
        assertThat(body.get("incarnation").asText()).isEqualTo(fixture.server.incarnation());
        JsonNode window = window(accepted);
        assertThat(window.get("deployment").asText()).isEqualTo("churn");
        assertThat(window.get("model").asText()).isEqualTo("churn-model");
        assertThat(window.get("version").asInt()).isEqualTo(1);
        assertThat(window.get("start").asText()).isEqualTo("2026-11-23T09:05:00Z");
        assertThat(window.get("end").asText()).isEqualTo("2026-11-23T09:06:00Z");
        assertThat(window.get("dropped").asLong()).isZero();
        Profile features = Profile.fromBytes(Base64.getDecoder().decode(window.get("features").asText()));
        assertThat(features.rows()).isEqualTo(30);
        assertThat(features.column("f00").exactValues()).containsExactly(f00.stream().mapToDouble(Double::doubleValue)
                .sorted().toArray());
        Profile predictions = Profile.fromBytes(Base64.getDecoder().decode(window.get("predictions").asText()));
        assertThat(predictions.column("prediction").frequencies().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(30);
        assertThat(body.get("feedback")).isEmpty();

        // More rows: the window goes out again with its whole state, not the difference.
        for (int i = 0; i < 10; i++) {
            predict(random);
        }
        plane.await("40 rows, cumulatively", 0, post -> post.status() == 204 && rows(post) == 40);

        // Unchanged: nothing more is sent for it while it is open.
        int before = plane.posts.size();
        Thread.sleep(700);
        assertThat(plane.posts.subList(before, plane.posts.size())).noneMatch(post -> rows(post) > 0);

        // Closed (2 s after its end): shipped once more, then forgotten.
        clock.set(WINDOW.plusSeconds(62));
        int closing = plane.posts.size();
        plane.await("the closed window's final state", closing, post -> rows(post) == 40);
        Thread.sleep(700);
        assertThat(plane.posts.stream().skip(closing).filter(post -> rows(post) == 40).count()).isEqualTo(1);
        assertThat(fixture.server.liveProfiles().pending()).noneMatch(w -> w.start().equals(WINDOW));
    }

    @Test
    void feedbackIsShippedWithTheNextShipment() throws InterruptedException {
        // Outcomes may name predictions of any replica: ids are checked for their form, not looked up.
        String label = new PredictionId("churn", 1, WINDOW, new PredictionId.Label("yes"), "lq3k9x2a-7f3k-1b").toString();
        String value = new PredictionId("price", 4, WINDOW, new PredictionId.Value(12.5), "lq3k9x2a-7f3k-1c").toString();
        int from = plane.posts.size();

        FeedbackResponse response = inference.withDeadlineAfter(5, TimeUnit.SECONDS).feedback(FeedbackRequest.newBuilder()
                .addOutcomes(Outcome.newBuilder().setPredictionId(label).setActual("no"))
                .addOutcomes(Outcome.newBuilder().setPredictionId(value).setActual(" 11.75 "))
                .build());

        assertThat(response.getAccepted()).isEqualTo(2);
        Post post = plane.await("the outcomes", from, p -> p.status() == 204 && p.body().get("feedback").size() > 0);
        JsonNode feedback = post.body().get("feedback");
        assertThat(feedback).hasSize(2);
        assertThat(feedback.get(0).get("predictionId").asText()).isEqualTo(label);
        assertThat(feedback.get(0).get("actual").asText()).isEqualTo("no");
        assertThat(feedback.get(1).get("predictionId").asText()).isEqualTo(value);
        assertThat(feedback.get(1).get("actual").asText()).isEqualTo("11.75");
        assertThat(fixture.server.shipper().ship()).isTrue();
        assertThat(plane.posts.stream().skip(from).filter(p -> p.body().get("feedback").size() > 0).count()).isEqualTo(1);
    }

    @Test
    void whileShipmentsFailTheOldestClosedWindowsBeyondTheRetainedCountAreDropped() throws Exception {
        ServingFixture.ManualClock time = new ServingFixture.ManualClock(WINDOW.plusSeconds(1));
        TestModels.Artifact v1 = TestModels.write(TestModels.classifier(1), directory.resolve("down-v1.model"));
        try (ControlPlane down = new ControlPlane();
                ServingFixture server = ServingFixture.start(directory.resolve("down"),
                        TestModels.state(1, "churn", 1, v1, null, null, null, null, null),
                        config -> config.withGateway(down.uri(), down.issuer(), "lodestar-inference", "s3cret")
                                .withDrift(config.drift().withWindow(Duration.ofMinutes(1)).withRetainedWindows(2)
                                        .withShipInterval(Duration.ofHours(1))),
                        time)) {
            down.usualStatus = 503;
            ServingFixture.await("churn ready", () -> server.server.ready()
                    && server.server.serving().deployment("churn") != null
                    && server.server.serving().deployment("churn").route() != null);
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + down.callerToken());
            InferenceGrpc.InferenceBlockingStub stub = InferenceGrpc.newBlockingStub(server.channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            Random random = new Random(6);
            for (int window = 0; window < 4; window++) {
                time.set(WINDOW.plusSeconds(60L * window + 1));
                for (int row = 0; row <= window; row++) {
                    stub.withDeadlineAfter(5, TimeUnit.SECONDS).predict(PredictRequest.newBuilder().setDeployment("churn")
                            .putAllFeatures(TestModels.row(random)).build());
                }
                assertThat(server.server.liveProfiles().awaitFolded(Duration.ofSeconds(10))).isTrue();
                assertThat(server.server.shipper().ship()).isFalse();
            }
            time.set(WINDOW.plusSeconds(60L * 4 + 2));

            assertThat(server.server.shipper().ship()).isFalse();
            assertThat(starts(down.posts.get(down.posts.size() - 1))).containsExactly(
                    WINDOW.plusSeconds(120).toString(), WINDOW.plusSeconds(180).toString());
            assertThat(server.metrics()).contains("lodestar_drift_windows_dropped_total 2.0")
                    .contains("lodestar_drift_shipments_total{outcome=\"failed\"} 5.0");

            down.usualStatus = 204;
            assertThat(server.server.shipper().ship()).isTrue();
            Post accepted = down.posts.get(down.posts.size() - 1);
            assertThat(accepted.status()).isEqualTo(204);
            assertThat(accepted.body().get("windows").findValuesAsText("rows")).containsExactly("3", "4");
            assertThat(server.server.liveProfiles().pending()).isEmpty();
        }
    }

    static List<String> starts(Post post) {
        return post.body().get("windows").findValuesAsText("start");
    }

    record Predicted(double f00, PredictResponse answer) {
    }

    static Predicted predict(Random random) {
        Map<String, FeatureValue> row = TestModels.row(random);
        PredictResponse answer = inference.withDeadlineAfter(5, TimeUnit.SECONDS)
                .predict(PredictRequest.newBuilder().setDeployment("churn").putAllFeatures(row).build());
        return new Predicted(row.get("f00").getNumber(), answer);
    }

    /** The rows of the window starting at {@link #WINDOW} in a post, 0 if it has none. */
    static long rows(Post post) {
        JsonNode window = window(post);
        return window == null ? 0 : window.get("rows").asLong();
    }

    static JsonNode window(Post post) {
        for (JsonNode window : post.body().get("windows")) {
            if (window.get("start").asText().equals(WINDOW.toString())) {
                return window;
            }
        }
        return null;
    }

    /** One {@code POST /api/serving/windows} as received, and the status it was answered with. */
    record Post(String authorization, String contentType, JsonNode body, int status) {
    }

    /** The control plane's HTTP side as this server uses it, recording window shipments. */
    static final class ControlPlane implements AutoCloseable {
        final HttpServer server;
        final RsaJsonWebKey key;
        final List<Post> posts = new CopyOnWriteArrayList<>();
        final Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
        volatile int usualStatus = 204;

        ControlPlane() throws IOException, JoseException {
            key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("realm-key");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newFixedThreadPool(2));
            server.createContext("/realms/test/.well-known/openid-configuration", exchange -> respond(exchange, 200,
                    "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer() + "/protocol/openid-connect/certs\"}"));
            server.createContext("/realms/test/protocol/openid-connect/certs", exchange -> respond(exchange, 200,
                    new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)));
            server.createContext("/realms/test/protocol/openid-connect/token", exchange -> {
                Map<String, String> form = Arrays.stream(new String(exchange.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8).split("&")).map(pair -> pair.split("=", 2))
                        .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
                boolean known = "client_credentials".equals(form.get("grant_type"))
                        && "lodestar-inference".equals(form.get("client_id")) && "s3cret".equals(form.get("client_secret"));
                respond(exchange, known ? 200 : 401, known ? "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":300}"
                        : "{\"error\":\"unauthorized_client\"}");
            });
            server.createContext("/api/serving/replicas/", exchange -> respond(exchange, 204, null));
            server.createContext("/api/serving/windows", exchange -> {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                Integer told = statuses.poll();
                int status = told == null ? usualStatus : told;
                posts.add(new Post(exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Content-Type"), body, status));
                respond(exchange, status, status == 204 ? null : "{\"code\":\"UNAVAILABLE\",\"message\":\"try later\"}");
            });
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        URI issuer() {
            return URI.create(uri() + "/realms/test");
        }

        void answerNext(int status) {
            statuses.add(status);
        }

        /** An access token of a caller holding role predictor, signed with the realm's key. */
        String callerToken() throws JoseException {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(issuer().toString());
            claims.setAudience("lodestar");
            claims.setSubject("caller-1");
            claims.setClaim("typ", "Bearer");
            claims.setClaim("preferred_username", "caller");
            claims.setClaim("realm_access", Map.of("roles", List.of("predictor")));
            claims.setExpirationTimeMinutesInTheFuture(10);
            claims.setIssuedAtToNow();
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(key.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jws.getCompactSerialization();
        }

        /** Waits up to 30 s for a post matching {@code wanted} among those from index {@code from} on; the first one. */
        Post await(String what, int from, Predicate<Post> wanted) {
            ServingFixture.await(what, () -> posts.stream().skip(from).anyMatch(wanted));
            return posts.stream().skip(from).filter(wanted).findFirst().orElseThrow();
        }

        private static void respond(HttpExchange exchange, int status, String json) {
            try (exchange) {
                if (json == null) {
                    exchange.sendResponseHeaders(status, -1);
                    return;
                }
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
