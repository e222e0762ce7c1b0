package dev.lodestar.identity;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;

/**
 * The realm's users and their realm roles, read and changed through Keycloak's Admin REST API as the gateway's
 * service account ({@code lodestar-gateway}, which the realm lets view and manage users). Keycloak stays the one
 * place roles live; Lodestar keeps no copy.
 */
@ApplicationScoped
public class KeycloakUsers {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Users shown per role; a realm with more holders of one role than this needs paging here. */
    private static final int MAX_HOLDERS = 1_000;

    /** A realm user as the roles page lists it. */
    public record User(String id, String username, String name, String email, boolean enabled) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json;
    private final String issuer;
    private final String admin;
    private final String clientId;
    private final String secret;
    private volatile String token;
    private volatile Instant tokenExpires = Instant.EPOCH;

    KeycloakUsers(ObjectMapper json, @ConfigProperty(name = "quarkus.oidc.auth-server-url") String issuer,
            @ConfigProperty(name = "quarkus.oidc.web.client-id") String clientId,
            @ConfigProperty(name = "quarkus.oidc.web.credentials.secret") String secret) {
        this.json = json;
        this.issuer = issuer.replaceAll("/+$", "");
        int realms = this.issuer.lastIndexOf("/realms/");
        this.admin = this.issuer.substring(0, realms) + "/admin" + this.issuer.substring(realms);
        this.clientId = clientId;
        this.secret = secret;
    }

    /** Users whose name, e-mail or user name contains {@code search} (all when blank), by user name. */
    public List<User> users(String search, int max) {
        String query = "?briefRepresentation=true&first=0&max=" + max
                + (search == null || search.isBlank() ? "" : "&search=" + URLEncoder.encode(search, StandardCharsets.UTF_8));
        List<User> users = new ArrayList<>();
        for (JsonNode user : call("GET", "/users" + query, null)) {
            users.add(user(user));
        }
        return users;
    }

    /** One user, or {@code NOT_FOUND}. */
    public User user(String id) {
        return user(call("GET", "/users/" + segment(id), null));
    }

    /** The ids of the users holding realm role {@code role}. */
    public List<String> holders(String role) {
        List<String> ids = new ArrayList<>();
        for (JsonNode user : call("GET", "/roles/" + segment(role) + "/users?briefRepresentation=true&first=0&max=" + MAX_HOLDERS, null)) {
            ids.add(user.path("id").asText());
        }
        return ids;
    }

    /** The realm roles mapped directly to a user. */
    public List<String> rolesOf(String userId) {
        List<String> roles = new ArrayList<>();
        for (JsonNode role : call("GET", "/users/" + segment(userId) + "/role-mappings/realm", null)) {
            roles.add(role.path("name").asText());
        }
        return roles;
    }

    /** Maps realm role {@code role} to the user. */
    public void grant(String userId, String role) {
        call("POST", "/users/" + segment(userId) + "/role-mappings/realm", List.of(call("GET", "/roles/" + segment(role), null)));
    }

    /** Removes realm role {@code role} from the user. */
    public void revoke(String userId, String role) {
        call("DELETE", "/users/" + segment(userId) + "/role-mappings/realm", List.of(call("GET", "/roles/" + segment(role), null)));
    }

    private static User user(JsonNode user) {
        String name = (user.path("firstName").asText("") + " " + user.path("lastName").asText("")).trim();
        return new User(user.path("id").asText(), user.path("username").asText(), name,
                user.path("email").asText(""), user.path("enabled").asBoolean(true));
    }

    private JsonNode call(String method, String path, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin + path)).timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + token()).header("Accept", "application/json");
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 404) {
                throw ApiException.notFound("Keycloak knows no such user or role (" + path.replaceAll("\\?.*", "") + ")");
            }
            if (response.statusCode() / 100 != 2) {
                throw unavailable("Keycloak answered " + response.statusCode() + " to " + method + " " + path.replaceAll("\\?.*", ""));
            }
            return response.body().length == 0 ? json.nullNode() : json.readTree(response.body());
        } catch (IOException e) {
            throw unavailable("Keycloak cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while calling Keycloak");
        }
    }

    /** A token of the gateway's service account, reused until shortly before it expires. */
    private synchronized String token() throws IOException, InterruptedException {
        if (token != null && Instant.now().isBefore(tokenExpires)) {
            return token;
        }
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
                .timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw unavailable("Keycloak refused the gateway's service account (" + response.statusCode() + ")");
        }
        Map<String, Object> answer = json.readValue(response.body(), new TypeReference<Map<String, Object>>() {
        });
        token = (String) answer.get("access_token");
        tokenExpires = Instant.now().plusSeconds(((Number) answer.getOrDefault("expires_in", 60)).longValue() - 30);
        return token;
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static ApiException unavailable(String message) {
        return new ApiException(ErrorCode.INTERNAL, message);
    }
}
