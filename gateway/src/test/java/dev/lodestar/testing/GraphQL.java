package dev.lodestar.testing;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Calls {@code /graphql} of the application under test as a given user (or none), the way clients do:
 * a JSON body with the document and its variables.
 */
public final class GraphQL {

    private final String token;

    private GraphQL(String token) {
        this.token = token;
    }

    /** Calls as {@code user}, with a real token. */
    public static GraphQL as(String user) {
        return new GraphQL(Tokens.of(user));
    }

    /** Calls with this raw bearer token (possibly invalid). */
    public static GraphQL withToken(String token) {
        return new GraphQL(token);
    }

    /** Calls without any token. */
    public static GraphQL anonymous() {
        return new GraphQL(null);
    }

    /** Runs {@code document}; variables as name, value pairs. Returns the whole response body. */
    public Response call(String document, Object... variables) {
        Map<String, Object> vars = new HashMap<>();
        for (int i = 0; i < variables.length; i += 2) {
            vars.put((String) variables[i], variables[i + 1]);
        }
        var request = given().contentType(ContentType.JSON).body(Map.of("query", document, "variables", vars));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        var response = request.post("/graphql");
        return new Response(response.statusCode(), response.body().jsonPath(), response.body().asString());
    }

    /** Runs {@code document} and insists it succeeds; returns {@code data}. */
    public JsonPath data(String document, Object... variables) {
        Response response = call(document, variables);
        if (response.status() != 200 || response.json().get("errors") != null) {
            throw new AssertionError("expected success, got HTTP " + response.status() + ": " + response.body());
        }
        return new JsonPath(response.body()).setRootPath("data");
    }

    /**
     * A GraphQL response.
     *
     * @param status HTTP status
     * @param json   the parsed body
     * @param body   the raw body
     */
    public record Response(int status, JsonPath json, String body) {

        /** The {@code extensions.code} of every error, in order. */
        public List<String> codes() {
            List<String> codes = json.getList("errors.extensions.code");
            return codes == null ? List.of() : codes;
        }

        /** The message of the first error. */
        public String message() {
            return json.getString("errors[0].message");
        }
    }
}
