package dev.lodestar.experiments;

import static dev.lodestar.testing.Fixtures.createExperiment;
import static dev.lodestar.testing.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.LodestarStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Experiments through {@code /graphql}, with real Keycloak tokens and a real PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(LodestarStack.class)
class ExperimentGraphQLTest {

    static final String CREATE = """
            mutation($name: String!, $description: String, $tags: [TagInput!]) {
              createExperiment(name: $name, description: $description, tags: $tags) {
                id name description archived createdBy tags { key value }
              }
            }""";

    @Test
    void dataScientistCreatesExperimentWithTagsAndSeesHerName() {
        String name = unique("churn");
        var created = GraphQL.as("alice").data(CREATE, "name", name, "description", "weekly churn model",
                "tags", List.of(Map.of("key", "team", "value", "growth")));

        assertThat(created.getString("createExperiment.name")).isEqualTo(name);
        assertThat(created.getString("createExperiment.createdBy")).isEqualTo("alice");
        assertThat(created.getBoolean("createExperiment.archived")).isFalse();
        assertThat(created.getList("createExperiment.tags.key")).containsExactly("team");
    }

    @Test
    void namesAreUniqueAndTheSecondCreateIsAConflict() {
        String name = unique("dup");
        createExperiment(name);

        var second = GraphQL.as("alice").call(CREATE, "name", name);

        assertThat(second.codes()).containsExactly("CONFLICT");
        assertThat(second.message()).contains(name);
    }

    @Test
    void blankAndOverlongNamesAreInvalid() {
        assertThat(GraphQL.as("alice").call(CREATE, "name", "   ").codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(GraphQL.as("alice").call(CREATE, "name", "x".repeat(300)).codes()).containsExactly("INVALID_ARGUMENT");
    }

    @Test
    void renameDescribeArchiveAndRestore() {
        String id = createExperiment(unique("lifecycle"));
        String renamed = unique("renamed");
        var alice = GraphQL.as("alice");

        alice.data("mutation($id: ID!, $name: String!) { renameExperiment(id: $id, name: $name) { name } }", "id", id, "name", renamed);
        alice.data("mutation($id: ID!) { setExperimentDescription(id: $id, description: \"now described\") { id } }", "id", id);
        var archived = alice.data("mutation($id: ID!) { archiveExperiment(id: $id) { archived } }", "id", id);
        assertThat(archived.getBoolean("archiveExperiment.archived")).isTrue();

        var hidden = alice.data("query($q: String) { experiments(nameContains: $q) { totalCount } }", "q", renamed);
        assertThat(hidden.getInt("experiments.totalCount")).isZero();
        var shown = alice.data("query($q: String) { experiments(nameContains: $q, includeArchived: true) { edges { node { name description } } } }",
                "q", renamed);
        assertThat(shown.getString("experiments.edges[0].node.description")).isEqualTo("now described");

        var runInArchived = alice.call("mutation($id: ID!) { createRun(experimentId: $id) { id } }", "id", id);
        assertThat(runInArchived.codes()).containsExactly("CONFLICT");

        alice.data("mutation($id: ID!) { restoreExperiment(id: $id) { archived } }", "id", id);
        alice.data("mutation($id: ID!) { createRun(experimentId: $id) { id } }", "id", id);
    }

    @Test
    void tagsAreSetReplacedAndDeleted() {
        String id = createExperiment(unique("tags"));
        var alice = GraphQL.as("alice");
        String set = "mutation($id: ID!, $k: String!, $v: String!) { setExperimentTag(id: $id, key: $k, value: $v) { tags { key value } } }";

        alice.data(set, "id", id, "k", "stage", "v", "draft");
        var replaced = alice.data(set, "id", id, "k", "stage", "v", "final");
        assertThat(replaced.getList("setExperimentTag.tags.value")).containsExactly("final");

        var deleted = alice.data("mutation($id: ID!) { deleteExperimentTag(id: $id, key: \"stage\") { tags { key } } }", "id", id);
        assertThat(deleted.getList("deleteExperimentTag.tags")).isEmpty();
        var missing = alice.call("mutation($id: ID!) { deleteExperimentTag(id: $id, key: \"stage\") { id } }", "id", id);
        assertThat(missing.codes()).containsExactly("NOT_FOUND");
    }

    @Test
    void everyReaderRoleReadsButOnlyDataScientistsWrite() {
        String name = unique("roles");
        String id = createExperiment(name);
        for (String reader : List.of("bob", "carol", "dave", "erin")) {
            var read = GraphQL.as(reader).data("query($id: ID!) { experiment(id: $id) { name } }", "id", id);
            assertThat(read.getString("experiment.name")).as(reader).isEqualTo(name);
        }
        for (String nonWriter : List.of("bob", "carol", "dave")) {
            var write = GraphQL.as(nonWriter).call(CREATE, "name", unique("denied"));
            assertThat(write.codes()).as(nonWriter).containsExactly("FORBIDDEN");
            assertThat(write.json().getMap("data")).as(nonWriter).isNull();
        }
        assertThat(GraphQL.as("erin").data(CREATE, "name", unique("erin")).getString("createExperiment.createdBy")).isEqualTo("erin");
    }

    @Test
    void withoutAValidTokenNothingIsRead() {
        createExperiment(unique("secret"));

        var anonymous = GraphQL.anonymous().call("{ experiments { totalCount edges { node { name } } } }");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.codes()).containsExactly("UNAUTHENTICATED");
        assertThat(anonymous.body()).doesNotContain("secret-");

        var forged = GraphQL.withToken("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln").call("{ experiments { totalCount } }");
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.codes()).containsExactly("UNAUTHENTICATED");
    }

    @Test
    void unknownExperimentIsNullAndMalformedIdIsInvalid() {
        assertThat(GraphQL.as("carol").data("{ experiment(id: \"987654321\") { id } }").getMap("experiment")).isNull();
        assertThat(GraphQL.as("carol").call("{ experiment(id: \"abc\") { id } }").codes()).containsExactly("INVALID_ARGUMENT");
    }

    @Test
    void experimentsPageWithCursors() {
        String prefix = unique("page");
        for (int i = 0; i < 5; i++) {
            createExperiment(prefix + "-" + i);
        }
        String page = "query($q: String, $after: String) { experiments(nameContains: $q, first: 2, after: $after) {"
                + " totalCount edges { node { name } cursor } pageInfo { hasNextPage endCursor } } }";
        var alice = GraphQL.as("alice");

        var first = alice.data(page, "q", prefix, "after", null);
        var second = alice.data(page, "q", prefix, "after", first.getString("experiments.pageInfo.endCursor"));
        var third = alice.data(page, "q", prefix, "after", second.getString("experiments.pageInfo.endCursor"));

        assertThat(first.getInt("experiments.totalCount")).isEqualTo(5);
        assertThat(first.getList("experiments.edges.node.name")).containsExactly(prefix + "-4", prefix + "-3");
        assertThat(second.getList("experiments.edges.node.name")).containsExactly(prefix + "-2", prefix + "-1");
        assertThat(third.getList("experiments.edges.node.name")).containsExactly(prefix + "-0");
        assertThat(third.getBoolean("experiments.pageInfo.hasNextPage")).isFalse();
        assertThat(alice.call(page, "q", prefix, "after", "bm90LWEtY3Vyc29y").codes()).containsExactly("INVALID_ARGUMENT");
    }
}
