package dev.lodestar.inference.serving;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The control plane as this server sees it (contracts 2 and 3): the desired state, artifact bytes, replica
 * reports and live drift windows, authenticated as the confidential client {@code lodestar-inference} (client credentials grant,
 * role {@code inference-server}). The access token is reused until shortly before it expires, and fetched
 * again once when the gateway answers 401.
 */
public final class GatewayClient implements ArtifactFetcher {

    private static final ObjectMapper REPORTS = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A desired state and the ETag it came with. */
    public record Fetched(DesiredState state, String etag) {
    }

    private final URI gateway;
    private final URI tokenEndpoint;
    private final String clientId;
    private final String clientSecret;
    private final HttpClient http;
    private String token;
    private long tokenExpiresNanos;

    public GatewayClient(URI gateway, URI issuer, String clientId, String clientSecret, HttpClient http) {
        this.gateway = URI.create(gateway.toString().replaceAll("/+$", ""));
        this.tokenEndpoint = URI.create(issuer.toString().replaceAll("/+$", "") + "/protocol/openid-connect/token");
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.http = http;
    }

    /** The desired state, or null when it has not changed since {@code etag} (304). */
    public Fetched desiredState(String etag) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(() -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve("/api/serving/desired-state"))
                    .timeout(TIMEOUT).header("Accept", "application/json").GET();
            if (etag != null) {
                request.header("If-None-Match", etag);
            }
            return request;
        });
        if (response.statusCode() == 304) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET /api/serving/desired-state answered HTTP " + response.statusCode());
        }
        try {
            return new Fetched(DesiredState.parse(response.body()), response.headers().firstValue("ETag").orElse(null));
        } catch (DesiredState.InvalidState e) {
            throw new IOException("the gateway's desired state is invalid: " + e.getMessage());
        }
    }

    @Override
    public byte[] fetch(DesiredState.VersionSpec spec) throws IOException, InterruptedException {
        if (spec.artifactId() == null || spec.artifactId().isBlank()) {
            throw new IOException("version " + spec.version() + " names no artifact");
        }
        String path = "/api/artifacts/" + URLEncoder.encode(spec.artifactId(), StandardCharsets.UTF_8);
        HttpResponse<byte[]> response = send(() -> HttpRequest.newBuilder(gateway.resolve(path))
                .timeout(Duration.ofMinutes(2)).GET());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** Sends this replica's report. */
    public void report(String replicaId, ReplicaReport report) throws IOException, InterruptedException {
        byte[] body = REPORTS.writeValueAsBytes(report);
        String path = "/api/serving/replicas/" + URLEncoder.encode(replicaId, StandardCharsets.UTF_8).replace("+", "%20");
        HttpResponse<byte[]> response = send(() -> HttpRequest.newBuilder(gateway.resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
        if (response.statusCode() / 100 != 2) {
            throw new IOException("PUT " + path + " answered HTTP " + response.statusCode());
        }
    }

    /**
     * Ships live drift windows and outcomes: {@code body} is the JSON of contract 3's {@code POST /api/serving/windows}.
     *
     * @throws IOException when the gateway does not accept it (the message gives the status and the gateway's reason)
     */
    public void shipWindows(byte[] body) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(() -> HttpRequest.newBuilder(gateway.resolve("/api/serving/windows"))
                .timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        if (response.statusCode() / 100 != 2) {
            String reason = new String(response.body(), StandardCharsets.UTF_8);
            throw new IOException("POST /api/serving/windows answered HTTP " + response.statusCode()
                    + (reason.isBlank() ? "" : ": " + reason.substring(0, Math.min(200, reason.length()))));
        }
    }

    private interface RequestFactory {
        HttpRequest.Builder create();
    }

    private HttpResponse<byte[]> send(RequestFactory factory) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(factory.create().header("Authorization", "Bearer " + token(false)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 401) {
            response = http.send(factory.create().header("Authorization", "Bearer " + token(true)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        }
        return response;
    }

    private synchronized String token(boolean renew) throws IOException, InterruptedException {
        if (!renew && token != null && System.nanoTime() < tokenExpiresNanos) {
            return token;
        }
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(tokenEndpoint).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the token endpoint refused client " + clientId + " (HTTP " + response.statusCode() + ")");
        }
        JsonNode body = REPORTS.readTree(response.body());
        token = body.path("access_token").asText(null);
        if (token == null) {
            throw new IOException("the token endpoint answered without an access token");
        }
        long lifetime = Math.max(5, body.path("expires_in").asLong(60) - 30);
        tokenExpiresNanos = System.nanoTime() + Duration.ofSeconds(lifetime).toNanos();
        return token;
    }
}
