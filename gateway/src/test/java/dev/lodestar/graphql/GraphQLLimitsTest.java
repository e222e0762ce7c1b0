package dev.lodestar.graphql;

import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.KeycloakRealm;
import dev.lodestar.testing.TestDatabase;
import dev.lodestar.testing.Tokens;
import graphql.introspection.IntrospectionQuery;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The document limits of {@code lodestar.graphql} at their defaults: a document at each limit runs, one past it is
 * refused with {@code LIMIT_EXCEEDED} naming the setting, and nothing of a refused document runs. The schema is
 * shown to signed-in callers only.
 */
@QuarkusTest
class GraphQLLimitsTest {

    @Test
    void depthUpToFifteenRunsAndSixteenIsRefused() {
        // __schema types fields type, then ofType as often as asked, then name: 4 + levels + 1 deep.
        var fifteen = GraphQL.as("carol").call(typeChain(10));
        var sixteen = GraphQL.as("carol").call(typeChain(11));

        assertThat(fifteen.codes()).isEmpty();
        assertThat(fifteen.json().getList("data.__schema.types")).isNotEmpty();
        assertRefused(sixteen, "lodestar.graphql.max-depth");
        assertThat(sixteen.message()).contains("16 deep");
    }

    @Test
    void fiveHundredFieldsRunAndOneMoreIsRefused() {
        var atLimit = GraphQL.as("carol").call("{ experiments(first: 1) { " + "totalCount ".repeat(499) + "} }");
        var over = GraphQL.as("carol").call("{ experiments(first: 1) { " + "totalCount ".repeat(500) + "} }");

        assertThat(atLimit.codes()).isEmpty();
        assertRefused(over, "lodestar.graphql.max-fields");
    }

    @Test
    void fragmentsCountWhereverTheyAreSpread() {
        // 10 spreads of a fragment spreading 10 of a fragment with 10 fields: a thousand fields in a few lines.
        String document = "{ experiments(first: 1) { ...a } }\n"
                + "fragment a on ExperimentConnection { " + "...b ".repeat(10) + "}\n"
                + "fragment b on ExperimentConnection { " + "...c ".repeat(10) + "}\n"
                + "fragment c on ExperimentConnection { " + "totalCount ".repeat(10) + "}";

        assertRefused(GraphQL.as("carol").call(document), "lodestar.graphql.max-fields");
    }

    @Test
    void thirtyAliasesRunAndThirtyOneAreRefused() {
        assertThat(GraphQL.as("carol").call(aliased(30)).codes()).isEmpty();
        assertRefused(GraphQL.as("carol").call(aliased(31)), "lodestar.graphql.max-aliases");
    }

    @Test
    void aMutationOverALimitWritesNothing() {
        String prefix = unique("over-limit");
        StringBuilder document = new StringBuilder("mutation {");
        for (int i = 0; i < 31; i++) {
            document.append(" e").append(i).append(": createExperiment(name: \"").append(prefix).append('-').append(i)
                    .append("\") { id }");
        }
        var refused = GraphQL.as("alice").call(document.append(" }").toString());

        assertRefused(refused, "lodestar.graphql.max-aliases");
        assertThat(refused.json().getMap("data")).isNull();
        assertThat(TestDatabase.count("select count(*) from experiment where name like ?", prefix + "%")).isZero();
        assertThat(TestDatabase.count("select count(*) from audit_event where after::text like ?", "%" + prefix + "%"))
                .isZero();
    }

    @Test
    void fiveOperationsInOneDocumentRunAndSixAreRefused() {
        var five = post(operations(5), "q0");
        var six = post(operations(6), "q0");

        assertThat(five.statusCode()).isEqualTo(200);
        assertThat(five.jsonPath().getInt("data.experiments.totalCount")).isNotNegative();
        assertThat(six.statusCode()).isEqualTo(400);
        assertThat(six.jsonPath().getString("errors[0].extensions.code")).isEqualTo("LIMIT_EXCEEDED");
        assertThat(six.jsonPath().getString("errors[0].message")).contains("lodestar.graphql.max-operations");
    }

    @Test
    void documentsUpTo32768CharactersRunAndLongerOnesAreRefused() {
        String query = "{ experiments(first: 1) { totalCount } }\n#";
        String atLimit = query + "x".repeat(32_768 - query.length());

        assertThat(GraphQL.as("carol").call(atLimit).codes()).isEmpty();
        var over = GraphQL.as("carol").call(atLimit + "x");
        assertRefused(over, "lodestar.graphql.max-document-size");
        assertThat(over.message()).contains("32769 characters");
    }

    @Test
    void theStandardIntrospectionQueryOfGraphQLToolsFitsTheLimits() {
        var schema = GraphQL.as("carol").call(IntrospectionQuery.INTROSPECTION_QUERY);

        assertThat(schema.codes()).isEmpty();
        assertThat(schema.json().getString("data.__schema.queryType.name")).isEqualTo("Query");
    }

    @Test
    void introspectionIsForSignedInCallersOnly() {
        String introspection = "{ __schema { queryType { name } mutationType { fields { name } } } }";
        var anonymous = GraphQL.anonymous().call(introspection);
        var anonymousSdl = given().get("/graphql/schema.graphql");
        var anonymousGet = given().queryParam("query", introspection).get("/graphql");
        String noRoles = unique("noroles");
        KeycloakRealm.createUserWithoutRoles(noRoles);
        var withoutRoles = GraphQL.as(noRoles).call(introspection);
        var sdl = given().header("Authorization", "Bearer " + Tokens.of("carol")).get("/graphql/schema.graphql");

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.codes()).containsExactly("UNAUTHENTICATED");
        assertThat(anonymous.body()).doesNotContain("createExperiment");
        assertThat(anonymousSdl.statusCode()).isEqualTo(401);
        assertThat(anonymousSdl.asString()).contains("UNAUTHENTICATED").doesNotContain("createExperiment");
        assertThat(anonymousGet.statusCode()).isEqualTo(401);
        assertThat(withoutRoles.codes()).isEmpty();
        assertThat(withoutRoles.json().getList("data.__schema.mutationType.fields.name")).contains("createExperiment");
        assertThat(sdl.statusCode()).isEqualTo(200);
        assertThat(sdl.asString()).contains("createExperiment");
    }

    @Test
    void queriesAreNotTakenByGetWhereTheLimitsCouldBeSkipped() {
        var get = given().header("Authorization", "Bearer " + Tokens.of("carol"))
                .queryParam("query", "{ experiments { totalCount } }").get("/graphql");

        assertThat(get.asString()).doesNotContain("totalCount\":");
    }

    private static void assertRefused(GraphQL.Response response, String setting) {
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.codes()).containsExactly("LIMIT_EXCEEDED");
        assertThat(response.message()).contains(setting);
    }

    private static String typeChain(int ofTypeLevels) {
        return "{ __schema { types { fields { type { " + "ofType { ".repeat(ofTypeLevels) + "name"
                + " }".repeat(ofTypeLevels) + " } } } } }";
    }

    private static String aliased(int count) {
        StringBuilder document = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            document.append(" a").append(i).append(": experiments(first: ").append(i + 1).append(") { totalCount }");
        }
        return document.append(" }").toString();
    }

    private static String operations(int count) {
        StringBuilder document = new StringBuilder();
        for (int i = 0; i < count; i++) {
            document.append("query q").append(i).append(" { experiments(first: 1) { totalCount } }\n");
        }
        return document.toString();
    }

    private static io.restassured.response.Response post(String document, String operationName) {
        Map<String, Object> body = new HashMap<>();
        body.put("query", document);
        body.put("operationName", operationName);
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Tokens.of("carol"))
                .body(body).post("/graphql");
    }
}
