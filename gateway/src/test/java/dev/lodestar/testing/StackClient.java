package dev.lodestar.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of a running stack, found through {@code data/stack.env}: tokens by password grant (renewed
 * before they expire) and GraphQL calls that fail loudly on any error.
 */
public final class StackClient {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String user;
    private String token;
    private long tokenExpiresAt;

    public StackClient(Path stackEnv, String user) {
        this.env = read(stackEnv);
        this.user = user;
    }

    public String env(String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalStateException(key + " is missing from stack.env");
        }
        return value;
    }

    /** Runs a GraphQL document with variables; returns {@code data}. */
    public JsonNode graphql(String document, Map<String, Object> variables) {
        try {
            return graphql(JSON.writeValueAsString(Map.of("query", document, "variables", variables)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a ready-made GraphQL request body; returns {@code data}. */
    public JsonNode graphql(String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(env("LODESTAR_GRAPHQL_URL")))
                .header("Authorization", "Bearer " + token())
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = JSON.readTree(response.body());
            if (response.statusCode() != 200 || json.has("errors")) {
                throw new IllegalStateException("GraphQL call failed (HTTP " + response.statusCode() + "): " + json.path("errors"));
            }
            return json.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs a body to a path of the gateway with this user's token; returns the JSON answer, failing on any status but 2xx. */
    public JsonNode post(String path, String contentType, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(env("LODESTAR_GATEWAY_URL") + path))
                .header("Authorization", "Bearer " + token())
                .header("Content-Type", contentType)
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("POST " + path + " answered HTTP " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8));
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A token of a client-credentials client (e.g. the predictor), for calls outside the gateway. */
    public String clientToken(String clientId, String secret) {
        return tokenResponse("grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8)).path("access_token").asText();
    }

    /** GETs a path of the gateway without a token (health, metrics); returns the body. */
    public String get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(env("LODESTAR_GATEWAY_URL") + path)).timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** This user's access token (password grant), renewed a minute before it expires. */
    public synchronized String token() {
        if (token == null || System.currentTimeMillis() > tokenExpiresAt) {
            JsonNode json = tokenResponse("grant_type=password&client_id=" + env("LODESTAR_CLI_CLIENT_ID") + "&username="
                    + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
            token = json.path("access_token").asText();
            tokenExpiresAt = System.currentTimeMillis() + (json.path("expires_in").asLong(300) - 60) * 1000;
        }
        return token;
    }

    private JsonNode tokenResponse(String form) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(env("LODESTAR_TOKEN_URL")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            JsonNode json = JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
            if (!json.hasNonNull("access_token")) {
                throw new IllegalStateException("Keycloak gave no token: " + json);
            }
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> read(Path file) {
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int equals = line.indexOf('=');
                if (!line.startsWith("#") && equals > 0) {
                    String value = line.substring(equals + 1);
                    if (value.startsWith("'") && value.endsWith("'")) {
                        value = value.substring(1, value.length() - 1).replace("'\\''", "'");
                    }
                    values.put(line.substring(0, equals), value);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + "; is the stack up (./lodestar up)?", e);
        }
        return values;
    }
}
