package dev.lodestar.replicas;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.Map;

import dev.lodestar.testing.AppProcess;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** One gateway process of several, called at its own address with real tokens, the way a client of that address would. */
record GatewayReplica(String name, int port, AppProcess process) {

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Runs a GraphQL document as {@code user}; variables as name, value pairs. */
    GraphQL.Response call(String user, String document, Object... variables) {
        Map<String, Object> vars = new HashMap<>();
        for (int i = 0; i < variables.length; i += 2) {
            vars.put((String) variables[i], variables[i + 1]);
        }
        var response = given().baseUri(base()).header("Authorization", "Bearer " + Tokens.of(user))
                .contentType(ContentType.JSON).body(Map.of("query", document, "variables", vars)).post("/graphql");
        return new GraphQL.Response(response.statusCode(), response.body().jsonPath(), response.body().asString());
    }

    /** Runs a GraphQL document as {@code user} and insists it succeeds; returns {@code data}. */
    JsonPath data(String user, String document, Object... variables) {
        GraphQL.Response response = call(user, document, variables);
        if (response.status() != 200 || response.json().get("errors") != null) {
            throw new AssertionError(name + " answered HTTP " + response.status() + ": " + response.body());
        }
        return new JsonPath(response.body()).setRootPath("data");
    }

    /** Uploads CSV text as a dataset as alice; returns the dataset version's id. */
    String uploadDataset(String datasetName, String csv, String types) {
        return given().baseUri(base()).header("Authorization", "Bearer " + Tokens.of("alice")).contentType("text/csv")
                .queryParam("name", datasetName).queryParam("types", types).body(csv)
                .post("/api/datasets").then().statusCode(201).extract().path("id");
    }

    /** Uploads bytes as alice to the artifact store; returns the artifact's id. */
    String uploadArtifact(byte[] bytes) {
        return given().baseUri(base()).header("Authorization", "Bearer " + Tokens.of("alice"))
                .contentType("application/octet-stream").body(bytes)
                .post("/api/artifacts").then().statusCode(201).extract().path("id");
    }
}
