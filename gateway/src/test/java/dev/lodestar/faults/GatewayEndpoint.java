package dev.lodestar.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * One gateway process as clients see it over HTTP, at its own address. A gateway that is gone (killed, not yet
 * started) is an answer too: status {@code -1}, so load drivers can count it and retry instead of failing.
 */
final class GatewayEndpoint {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String baseUrl;

    GatewayEndpoint(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /**
     * What came back.
     *
     * @param status HTTP status, -1 when nothing answered
     * @param body   the parsed body (missing when nothing answered or it was not JSON)
     * @param raw    the body as text
     */
    record Answer(int status, JsonNode body, String raw) {

        /** The {@code extensions.code} of each GraphQL error. */
        List<String> codes() {
            List<String> codes = new ArrayList<>();
            body.path("errors").forEach(e -> codes.add(e.path("extensions").path("code").asText()));
            return codes;
        }

        /** True for a GraphQL answer with data and no errors. */
        boolean succeeded() {
            return status == 200 && body.path("errors").isMissingNode() && body.has("data");
        }

        JsonNode data() {
            return body.path("data");
        }
    }

    /** Runs a GraphQL document with {@code variables} as the holder of {@code token}. */
    Answer graphql(String token, String document, Map<String, Object> variables) {
        try {
            byte[] request = JSON.writeValueAsBytes(Map.of("query", document, "variables", variables));
            return send(HttpRequest.newBuilder(URI.create(baseUrl + "/graphql"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Like {@link #graphql} but insists on success; returns {@code data}. */
    JsonNode data(String token, String document, Map<String, Object> variables) {
        Answer answer = graphql(token, document, variables);
        if (!answer.succeeded()) {
            throw new AssertionError("expected success, got HTTP " + answer.status() + ": " + answer.raw());
        }
        return answer.data();
    }

    /** A new experiment named {@code name}; returns its id. */
    String createExperiment(String token, String name) {
        return data(token, "mutation($n: String!) { createExperiment(name: $n) { id } }", Map.of("n", name))
                .path("createExperiment").path("id").asText();
    }

    /** A new run named {@code name} in {@code experiment}; returns its id. */
    String createRun(String token, String experiment, String name) {
        return data(token, "mutation($e: ID!, $n: String!) { createRun(experimentId: $e, name: $n) { id } }",
                Map.of("e", experiment, "n", name)).path("createRun").path("id").asText();
    }

    /** A GET of {@code path} as the holder of {@code token} (none when null). */
    Answer get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    /** A POST of a JSON body to {@code path} as the holder of {@code token}. */
    Answer postJson(String path, String token, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A POST of raw bytes to {@code path}. */
    Answer postBytes(String path, String token, byte[] body) {
        return post(path, token, "application/octet-stream", body);
    }

    /** A POST of {@code body} as {@code contentType} to {@code path}. */
    Answer post(String path, String token, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", contentType)
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    String baseUrl() {
        return baseUrl;
    }

    private static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = JSON.readTree(response.body());
            } catch (IOException notJson) {
                body = MissingNode.getInstance();
            }
            return new Answer(response.statusCode(), body == null ? MissingNode.getInstance() : body, response.body());
        } catch (IOException e) {
            return new Answer(-1, MissingNode.getInstance(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, MissingNode.getInstance(), "interrupted");
        }
    }
}
