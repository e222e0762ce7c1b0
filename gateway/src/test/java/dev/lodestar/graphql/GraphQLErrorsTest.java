package dev.lodestar.graphql;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every error a client can cause carries a stable code and a message, and never a class name or stack trace. */
@QuarkusTest
class GraphQLErrorsTest {

    @Test
    void malformedRequestsAreInvalidArgumentsWithThePosition() {
        var syntax = post("{\"query\": \"{ experiments { totalCount \"}");
        var notJson = post("{\"query\": ");
        var noQuery = post("{\"variables\": {}}");
        var unknownField = GraphQL.as("alice").call("{ experiments { colour } }");

        assertThat(syntax.statusCode()).isEqualTo(400);
        assertThat(syntax.jsonPath().getString("errors[0].extensions.code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(syntax.jsonPath().getString("errors[0].message")).contains("line 1 column");
        assertThat(notJson.jsonPath().getString("errors[0].extensions.code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(noQuery.jsonPath().getString("errors[0].extensions.code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(unknownField.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(unknownField.message()).contains("colour");
    }

    @Test
    void errorsNeverShowInternals() {
        var responses = new String[] {
            post("{\"query\": \"{ experiments { totalCount \"}").asString(),
            GraphQL.as("alice").call("{ experiment(id: \"x\") { id } }").body(),
            GraphQL.as("carol").call("mutation { createExperiment(name: \"x\") { id } }").body(),
            GraphQL.anonymous().call("{ experiments { totalCount } }").body(),
            GraphQL.as("alice").call("{ searchRuns(filter: \"metrics.x > \") { totalCount } }").body() };
        for (String body : responses) {
            assertThat(body).doesNotContainPattern("(java|jakarta|io\\.quarkus|io\\.smallrye|graphql)\\.[a-z]+\\.")
                    .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("classification");
        }
    }

    @Test
    void everyResponseCarriesARequestIdAndEchoesTheCallersOne() {
        var response = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Tokens.of("carol"))
                .header("X-Request-Id", "trace-1234-abcd")
                .body("{\"query\": \"{ experiments { totalCount } }\"}").post("/graphql");
        var generated = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Tokens.of("carol"))
                .body("{\"query\": \"{ experiments { totalCount } }\"}").post("/graphql");

        assertThat(response.header("X-Request-Id")).isEqualTo("trace-1234-abcd");
        assertThat(generated.header("X-Request-Id")).matches("[0-9a-f-]{36}");
    }

    private static io.restassured.response.Response post(String body) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Tokens.of("alice"))
                .body(body).post("/graphql");
    }
}
