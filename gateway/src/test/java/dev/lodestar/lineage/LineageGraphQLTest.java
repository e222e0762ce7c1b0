package dev.lodestar.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.lodestar.deploy.model.PredictionId;
import dev.lodestar.testing.GraphQL;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Lineage over {@code /graphql} with real tokens, on a chain built through the public API: dataset upload, two
 * training jobs, two approved promotions, a deployment following {@code champion}.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LineageGraphQLTest {

    static final String LINEAGE = """
            query($node: ID!, $direction: LineageDirection!, $depth: Int!) {
              lineage(nodeId: $node, direction: $direction, depth: $depth) { truncated nodes { id kind name } edges { from to kind } }
            }""";
    static final String SERVING_AT = """
            query($d: String!, $at: DateTime!) { servingAt(deployment: $d, at: $at) { name version runId } }""";
    static final String HISTORY = """
            query($d: String!) { servingHistory(deployment: $d) { version reason approvalId from to } }""";
    static final String PREDICTION = """
            query($id: ID!) {
              prediction(id: $id) {
                id deployment model version at answer role runId approvalId
                modelVersion { name version }
                datasets { id kind name }
              }
            }""";

    private LineageChain built;

    LineageChain chain;

    /** The chain is built once, on first use: REST Assured knows the application's port only once a test runs. */
    @org.junit.jupiter.api.BeforeEach
    void chain() {
        if (built == null) {
            built = LineageChain.build();
        }
        chain = built;
    }

    @Test
    void downstreamFromTheDatasetReachesRunsVersionsApprovalsAndTheDeployment() {
        JsonPath all = GraphQL.as("carol").data(LINEAGE, "node", chain.datasetNode(), "direction", "DOWNSTREAM", "depth", 5);

        assertThat(all.getList("lineage.nodes.id", String.class)).containsExactlyInAnyOrderElementsOf(chain.all());
        assertThat(all.getString("lineage.nodes[0].id")).isEqualTo(chain.datasetNode());
        assertThat(all.getBoolean("lineage.truncated")).isFalse();
        List<Map<String, String>> edges = all.getList("lineage.edges");
        assertThat(edges).extracting(e -> e.get("from"), e -> e.get("to"), e -> e.get("kind")).contains(
                tuple(chain.datasetNode(), "run:" + chain.run1(), "TRAINED_ON"),
                tuple("run:" + chain.run2(), chain.modelNode(2), "PRODUCED"),
                tuple(chain.modelNode(1), "approval:" + chain.request1(), "APPROVED"),
                tuple(chain.modelNode(2), "approval:" + chain.request2(), "APPROVED"),
                tuple("approval:" + chain.request2(), chain.deploymentNode(), "PROMOTED"),
                tuple(chain.modelNode(1), chain.deploymentNode(), "SERVES"),
                tuple(chain.modelNode(2), chain.deploymentNode(), "SERVES"))
                .doesNotContain(tuple("approval:" + chain.request1(), chain.deploymentNode(), "PROMOTED"));
        Map<String, String> names = names(all);
        assertThat(names).containsEntry(chain.datasetNode(), chain.datasetName() + " v1")
                .containsEntry(chain.modelNode(2), chain.model() + " v2")
                .containsEntry(chain.deploymentNode(), chain.deployment());
        assertThat(names.get("approval:" + chain.request2())).contains(chain.model() + " v2 to champion");

        JsonPath one = GraphQL.as("carol").data(LINEAGE, "node", chain.datasetNode(), "direction", "DOWNSTREAM", "depth", 1);
        assertThat(one.getList("lineage.nodes.id", String.class))
                .containsExactlyInAnyOrder(chain.datasetNode(), "run:" + chain.run1(), "run:" + chain.run2());
        assertThat(GraphQL.as("carol").data(LINEAGE, "node", chain.datasetNode(), "direction", "DOWNSTREAM", "depth", 0)
                .getList("lineage.nodes.id", String.class)).containsExactly(chain.datasetNode());
    }

    @Test
    void upstreamFromTheDeploymentReachesTheDatasetAtDepthThree() {
        JsonPath two = GraphQL.as("bob").data(LINEAGE, "node", chain.deploymentNode(), "direction", "UPSTREAM", "depth", 2);
        assertThat(two.getList("lineage.nodes.id", String.class)).containsExactlyInAnyOrder(chain.deploymentNode(),
                chain.modelNode(1), chain.modelNode(2), "approval:" + chain.request2(), "run:" + chain.run1(), "run:" + chain.run2());

        JsonPath three = GraphQL.as("bob").data(LINEAGE, "node", chain.deploymentNode(), "direction", "UPSTREAM", "depth", 3);
        assertThat(three.getList("lineage.nodes.id", String.class)).contains(chain.datasetNode())
                .doesNotContain("approval:" + chain.request1());
    }

    @Test
    void bothWaysFromAVersionShowsWhereItCameFromAndWhereItWent() {
        JsonPath both = GraphQL.as("alice").data(LINEAGE, "node", chain.modelNode(2), "direction", "BOTH", "depth", 1);

        assertThat(both.getList("lineage.nodes.id", String.class)).containsExactlyInAnyOrder(chain.modelNode(2),
                "run:" + chain.run2(), "approval:" + chain.request2(), chain.deploymentNode());
        assertThat(names(both).get("run:" + chain.run2())).isNotBlank();
    }

    @Test
    void servingAtAnswersBeforeCreationAndBeforeAndAfterTheAliasMove() {
        GraphQL carol = GraphQL.as("carol");
        assertThat(carol.data(SERVING_AT, "d", chain.deployment(), "at", chain.beforeCreation().toString()).getMap("servingAt")).isNull();
        assertThat(carol.data(SERVING_AT, "d", chain.deployment(), "at", chain.servingV1().toString()).getInt("servingAt.version"))
                .isEqualTo(1);
        assertThat(carol.data(SERVING_AT, "d", chain.deployment(), "at", chain.servingV2().toString()).getInt("servingAt.version"))
                .isEqualTo(2);
        assertThat(carol.data(SERVING_AT, "d", chain.deployment(), "at", chain.servingV2().toString()).getString("servingAt.runId"))
                .isEqualTo(chain.run2());

        JsonPath history = carol.data(HISTORY, "d", chain.deployment());
        assertThat(history.getList("servingHistory.version", Integer.class)).containsExactly(1, 2);
        assertThat(history.getList("servingHistory.reason", String.class)).containsExactly("CREATED", "ALIAS_MOVED");
        assertThat(history.getList("servingHistory.approvalId", String.class)).containsExactly(chain.request1(), chain.request2());
        assertThat(history.getString("servingHistory[0].to")).isEqualTo(history.getString("servingHistory[1].from"));
        assertThat(history.getString("servingHistory[1].to")).isNull();

        assertThat(carol.call(SERVING_AT, "d", "never-deployed-here", "at", Instant.now().toString()).codes())
                .containsExactly("NOT_FOUND");
    }

    @Test
    void aPredictionIdResolvesToItsVersionRunDataAndApproval() {
        Instant at = chain.servingV2().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String id = new PredictionId(chain.deployment(), 2, at, new PredictionId.Label("1"), "lq3k9x2a-7f3k-1b").toString();

        JsonPath trace = GraphQL.as("bob").data(PREDICTION, "id", id);

        assertThat(trace.getMap("prediction")).containsEntry("id", id).containsEntry("deployment", chain.deployment())
                .containsEntry("model", chain.model()).containsEntry("version", 2).containsEntry("answer", "1")
                .containsEntry("role", "PRIMARY").containsEntry("runId", chain.run2()).containsEntry("approvalId", chain.request2());
        assertThat(Instant.parse(trace.getString("prediction.at"))).isEqualTo(at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(trace.getList("prediction.datasets.id", String.class)).containsExactly(chain.datasetNode());
        assertThat(trace.getString("prediction.datasets[0].name")).isEqualTo(chain.datasetName() + " v1");

        String earlier = new PredictionId(chain.deployment(), 1, chain.servingV1().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1), new PredictionId.Unrecorded(), "x1").toString();
        JsonPath first = GraphQL.as("bob").data(PREDICTION, "id", earlier);
        assertThat(first.getMap("prediction")).containsEntry("version", 1).containsEntry("answer", null)
                .containsEntry("runId", chain.run1()).containsEntry("approvalId", chain.request1());

        assertThat(GraphQL.as("bob").call(PREDICTION, "id", "not-a-prediction-id").codes()).containsExactly("INVALID_ARGUMENT");
        String never = new PredictionId(chain.deployment(), 7, at, new PredictionId.Unrecorded(), "x2").toString();
        assertThat(GraphQL.as("bob").call(PREDICTION, "id", never).codes()).containsExactly("NOT_FOUND");
    }

    @Test
    void unknownNodesAndDepthsOutOfRangeAreRefused() {
        GraphQL alice = GraphQL.as("alice");
        assertThat(alice.call(LINEAGE, "node", "model:no-such-model:1", "direction", "BOTH", "depth", 2).codes())
                .containsExactly("NOT_FOUND");
        assertThat(alice.call(LINEAGE, "node", "dataset:" + java.util.UUID.randomUUID(), "direction", "BOTH", "depth", 2).codes())
                .containsExactly("NOT_FOUND");
        assertThat(alice.call(LINEAGE, "node", chain.datasetNode(), "direction", "BOTH", "depth", 21).codes())
                .containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(LINEAGE, "node", "no-kind", "direction", "BOTH", "depth", 1).codes()).containsExactly("INVALID_ARGUMENT");
    }

    @Test
    void readersOnlyMayReadLineage() {
        assertThat(GraphQL.anonymous().call(LINEAGE, "node", chain.datasetNode(), "direction", "BOTH", "depth", 1).codes())
                .containsExactly("UNAUTHENTICATED");
        for (String reader : List.of("alice", "bob", "carol", "dave")) {
            assertThat(GraphQL.as(reader).call(LINEAGE, "node", chain.deploymentNode(), "direction", "UPSTREAM", "depth", 1).codes())
                    .as(reader).isEmpty();
        }
    }

    static Map<String, String> names(JsonPath graph) {
        Map<String, String> names = new java.util.HashMap<>();
        List<Map<String, String>> nodes = graph.getList("lineage.nodes");
        nodes.forEach(n -> names.put(n.get("id"), n.get("name")));
        return names;
    }
}
