package dev.lodestar.experiments;

import static dev.lodestar.testing.Fixtures.createExperiment;
import static dev.lodestar.testing.Fixtures.createRun;
import static dev.lodestar.testing.Fixtures.metric;
import static dev.lodestar.testing.Fixtures.pair;
import static dev.lodestar.testing.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;

/** Runs, logging and search through {@code /graphql}, with real Keycloak tokens and a real PostgreSQL. */
@QuarkusTest
class RunGraphQLTest {

    static final String CREATE_RUN = """
            mutation($experiment: ID!, $name: String, $parent: ID, $tags: [TagInput!]) {
              createRun(experimentId: $experiment, name: $name, parentRunId: $parent, tags: $tags) {
                id name status user startTime endTime experiment { id } parentRun { id }
              }
            }""";

    static final String LOG = """
            mutation($run: ID!, $metrics: [MetricInput!], $params: [ParamInput!], $tags: [TagInput!]) {
              logBatch(runId: $run, metrics: $metrics, params: $params, tags: $tags) {
                id params { key value } tags { key value } latestMetrics { key value step }
              }
            }""";

    static final String LOG_ONCE = """
            mutation($run: ID!, $metrics: [MetricInput!], $key: String) {
              logBatch(runId: $run, metrics: $metrics, idempotencyKey: $key) { id latestMetrics { key value step } }
            }""";

    static final String RUN = """
            query($id: ID!) {
              run(id: $id) { id name status params { key value } tags { key value } latestMetrics { key value step } }
            }""";

    static final String SEARCH = """
            query($experiments: [ID!], $filter: String, $order: [String!], $first: Int, $after: String) {
              searchRuns(experimentIds: $experiments, filter: $filter, orderBy: $order, first: $first, after: $after) {
                totalCount
                edges { node { id name } }
                pageInfo { hasNextPage endCursor }
              }
            }""";

    @Test
    void runStartsRunningWithTheCreatorAndNestsUnderAParent() {
        String experiment = createExperiment(unique("runs"));
        var alice = GraphQL.as("alice");
        var parent = alice.data(CREATE_RUN, "experiment", experiment, "name", "sweep");
        String parentId = parent.getString("createRun.id");
        var child = alice.data(CREATE_RUN, "experiment", experiment, "name", "trial-1", "parent", parentId,
                "tags", List.of(pair("fold", "1")));

        assertThat(parentId).matches("[0-9a-f]{32}");
        assertThat(parent.getString("createRun.status")).isEqualTo("RUNNING");
        assertThat(parent.getString("createRun.user")).isEqualTo("alice");
        assertThat(parent.getString("createRun.startTime")).isNotNull();
        assertThat(child.getString("createRun.parentRun.id")).isEqualTo(parentId);
        var children = alice.data("query($id: ID!) { run(id: $id) { childRuns { name } } }", "id", parentId);
        assertThat(children.getList("run.childRuns.name")).containsExactly("trial-1");

        String other = createExperiment(unique("other"));
        assertThat(alice.call(CREATE_RUN, "experiment", other, "parent", parentId).codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(CREATE_RUN, "experiment", "99999999").codes()).containsExactly("NOT_FOUND");
    }

    @Test
    void finishingARunSetsItsEndTimeAndReopeningClearsIt() {
        String run = createRun(createExperiment(unique("status")), "r");
        String update = "mutation($run: ID!, $status: RunStatus!) { updateRun(runId: $run, status: $status) { status endTime } }";
        var alice = GraphQL.as("alice");

        var finished = alice.data(update, "run", run, "status", "FINISHED");
        assertThat(finished.getString("updateRun.endTime")).isNotNull();
        var reopened = alice.data(update, "run", run, "status", "RUNNING");
        assertThat(reopened.getString("updateRun.endTime")).isNull();
        assertThat(alice.call(update, "run", run, "status", "SLEEPING").codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(GraphQL.as("carol").call(update, "run", run, "status", "KILLED").codes()).containsExactly("FORBIDDEN");
    }

    @Test
    void latestMetricIsTheHighestStepWhateverTheOrderOfLogging() {
        String run = createRun(createExperiment(unique("latest")), "r");
        var alice = GraphQL.as("alice");

        alice.data(LOG, "run", run, "metrics", List.of(metric("loss", 0.9, 1), metric("loss", 0.5, 3), metric("loss", 0.7, 2)));
        var later = alice.data(LOG, "run", run, "metrics", List.of(metric("loss", 0.8, 2), metric("accuracy", 0.6, 0)));

        assertThat(later.getList("logBatch.latestMetrics.key")).containsExactly("accuracy", "loss");
        assertThat(later.getDouble("logBatch.latestMetrics[1].value")).isEqualTo(0.5);
        assertThat(later.getInt("logBatch.latestMetrics[1].step")).isEqualTo(3);
        var history = alice.data("query($run: ID!) { metricHistory(runId: $run, key: \"loss\") { value step } }", "run", run);
        assertThat(history.getList("metricHistory.step", Integer.class)).containsExactly(1, 2, 2, 3);
    }

    @Test
    void paramsAreImmutableButRepeatingTheSameValueIsFine() {
        String run = createRun(createExperiment(unique("params")), "r");
        var alice = GraphQL.as("alice");
        alice.data(LOG, "run", run, "params", List.of(pair("lr", "0.01"), pair("optimizer", "adam")));

        var same = alice.call(LOG, "run", run, "params", List.of(pair("lr", "0.01")));
        var changed = alice.call(LOG, "run", run, "params", List.of(pair("lr", "0.02")),
                "metrics", List.of(metric("loss", 1.0, 0)), "tags", List.of(pair("note", "should not be written")));

        assertThat(same.codes()).isEmpty();
        assertThat(changed.codes()).containsExactly("CONFLICT");
        assertThat(changed.message()).contains("lr").contains("0.01").contains("0.02");
        var stored = alice.data(RUN, "id", run);
        assertThat(stored.getList("run.params.value")).containsExactly("0.01", "adam");
        assertThat(stored.getList("run.latestMetrics")).as("the refused batch wrote no metric").isEmpty();
        assertThat(stored.getList("run.tags")).as("the refused batch wrote no tag").isEmpty();
    }

    @Test
    void aBatchSentAgainUnderItsIdempotencyKeyIsStoredOnce() {
        String experiment = createExperiment(unique("idempotent"));
        String run = createRun(experiment, "r");
        String other = createRun(experiment, "other");
        var alice = GraphQL.as("alice");
        List<Map<String, Object>> metrics = List.of(metric("loss", 0.9, 0), metric("loss", 0.7, 1), metric("loss", 0.5, 2));

        alice.data(LOG_ONCE, "run", run, "metrics", metrics, "key", "batch-1");
        var again = alice.data(LOG_ONCE, "run", run, "metrics", metrics, "key", "batch-1");
        alice.data(LOG_ONCE, "run", other, "metrics", metrics, "key", "batch-1");

        assertThat(again.getDouble("logBatch.latestMetrics[0].value")).isEqualTo(0.5);
        assertThat(points(run)).as("the repeated batch was acknowledged, not stored").isEqualTo(3);
        assertThat(TestDatabase.count("select count(*) from audit_event where action = 'RUN_LOGGED' and resource_id = ?", run))
                .as("nor audited").isEqualTo(1);
        assertThat(points(other)).as("keys belong to their run").isEqualTo(3);

        // A refused batch does not use up its key.
        var refused = alice.call(LOG_ONCE, "run", run, "metrics", List.of(metric("../escape", 1, 0)), "key", "batch-2");
        alice.data(LOG_ONCE, "run", run, "metrics", List.of(metric("loss", 0.4, 3)), "key", "batch-2");
        assertThat(refused.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(points(run)).isEqualTo(4);

        for (String key : List.of("", "k".repeat(256), "line\nbreak")) {
            assertThat(alice.call(LOG_ONCE, "run", run, "metrics", metrics, "key", key).codes()).as(key)
                    .containsExactly("INVALID_ARGUMENT");
        }
        assertThat(points(run)).isEqualTo(4);
    }

    private static long points(String run) {
        return TestDatabase.count("select count(*) from metric where run_id = ?::uuid", run);
    }

    @Test
    void aBatchWithOneBadItemWritesNothing() {
        String run = createRun(createExperiment(unique("atomic")), "r");
        var alice = GraphQL.as("alice");
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (int step = 0; step < 10; step++) {
            metrics.add(metric("loss", 1.0 / (step + 1), step));
        }
        metrics.add(metric("../escape", 1, 0));

        var refused = alice.call(LOG, "run", run, "metrics", metrics);

        assertThat(refused.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(refused.message()).contains("../escape");
        assertThat(alice.data(RUN, "id", run).getList("run.latestMetrics")).isEmpty();
    }

    @Test
    void batchLimitsAreEnforced() {
        String run = createRun(createExperiment(unique("limits")), "r");
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            metrics.add(metric("m", i, i));
        }
        var alice = GraphQL.as("alice");
        assertThat(alice.call(LOG, "run", run, "metrics", metrics).codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(LOG, "run", run, "metrics", metrics.subList(0, 1000)).codes()).isEmpty();
        assertThat(alice.call(LOG, "run", run, "params", List.of(pair("long", "x".repeat(6001)))).codes())
                .containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(LOG, "run", run, "metrics", List.of(Map.of("key", "m", "value", 1, "step", 1.5))).codes())
                .containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(LOG, "run", run, "metrics",
                List.of(Map.of("key", "m", "value", 1, "timestamp", "last tuesday"))).codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(LOG, "run", "not-a-run").codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(LOG, "run", "0".repeat(32)).codes()).containsExactly("NOT_FOUND");
    }

    @Test
    void tagsOfARunCanBeChanged() {
        String run = createRun(createExperiment(unique("runtags")), "r");
        var alice = GraphQL.as("alice");
        alice.data(LOG, "run", run, "tags", List.of(pair("stage", "train")));
        alice.data(LOG, "run", run, "tags", List.of(pair("stage", "eval")));
        alice.data("mutation($run: ID!) { setRunTag(runId: $run, key: \"owner\", value: \"alice\") { id } }", "run", run);
        alice.data("mutation($run: ID!) { deleteRunTag(runId: $run, key: \"owner\") { id } }", "run", run);

        assertThat(alice.data(RUN, "id", run).getList("run.tags.value")).containsExactly("eval");
    }

    @Test
    void longHistoriesAreDownsampledKeepingEndsAndExtremes() {
        String run = createRun(createExperiment(unique("history")), "r");
        var alice = GraphQL.as("alice");
        for (int batch = 0; batch < 3; batch++) {
            List<Map<String, Object>> metrics = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int step = batch * 1000 + i;
                double value = step == 1234 ? 100 : step == 2345 ? -100 : Math.sin(step / 100.0);
                metrics.add(metric("signal", value, step));
            }
            alice.data(LOG, "run", run, "metrics", metrics);
        }
        String history = "query($run: ID!, $max: Int) { metricHistory(runId: $run, key: \"signal\", maxPoints: $max) { value step } }";

        var whole = alice.data(history, "run", run, "max", null);
        var sampled = alice.data(history, "run", run, "max", 200);

        assertThat(whole.getList("metricHistory")).hasSize(3000);
        List<Integer> steps = sampled.getList("metricHistory.step", Integer.class);
        List<Double> values = sampled.getList("metricHistory.value", Double.class);
        assertThat(steps).hasSizeLessThanOrEqualTo(200).hasSizeGreaterThan(100).isSorted();
        assertThat(steps.get(0)).isEqualTo(0);
        assertThat(steps.get(steps.size() - 1)).isEqualTo(2999);
        assertThat(values).contains(100.0, -100.0);
        assertThat(alice.call(history, "run", run, "max", 2).codes()).containsExactly("INVALID_ARGUMENT");
    }

    @Test
    void searchCombinesMetricParamTagAndAttributeFiltersWithOrAndParentheses() {
        String experiment = createExperiment(unique("search"));
        var alice = GraphQL.as("alice");
        String[][] runs = { { "a", "0.95", "cart", "vision" }, { "b", "0.80", "cart", "nlp" }, { "c", "0.91", "forest", "nlp" },
                { "d", "0.70", "forest", "vision" } };
        for (String[] spec : runs) {
            String run = createRun(experiment, spec[0]);
            alice.data(LOG, "run", run, "metrics", List.of(metric("accuracy", Double.parseDouble(spec[1]), 0)),
                    "params", List.of(pair("model", spec[2])), "tags", List.of(pair("team", spec[3])));
        }
        List<String> ids = List.of(experiment);

        assertThat(names(alice.data(SEARCH, "experiments", ids, "filter", "metrics.accuracy > 0.9")))
                .containsExactlyInAnyOrder("a", "c");
        assertThat(names(alice.data(SEARCH, "experiments", ids, "filter",
                "metrics.accuracy > 0.9 AND (params.model = 'cart' OR tags.team = 'vision')"))).containsExactly("a");
        assertThat(names(alice.data(SEARCH, "experiments", ids, "filter",
                "params.model = 'forest' or metrics.accuracy >= 0.95"))).containsExactlyInAnyOrder("a", "c", "d");
        assertThat(names(alice.data(SEARCH, "experiments", ids, "filter", "tags.team ILIKE 'VIS%'")))
                .containsExactlyInAnyOrder("a", "d");
        assertThat(names(alice.data(SEARCH, "experiments", ids, "filter", "attributes.run_name IN ('a', 'b')")))
                .containsExactlyInAnyOrder("a", "b");
        assertThat(names(alice.data(SEARCH, "experiments", ids, "filter", "attributes.status = 'running' AND params.missing IS NULL")))
                .hasSize(4);
        assertThat(names(alice.data(SEARCH, "experiments", ids, "order", List.of("metrics.accuracy DESC"))))
                .containsExactly("a", "c", "b", "d");
        assertThat(names(alice.data(SEARCH, "experiments", ids, "order", List.of("params.model ASC", "metrics.accuracy ASC"))))
                .containsExactly("b", "a", "d", "c");
    }

    @Test
    void searchesTooCostlyToPlanAreRefusedBeforeTheyReachTheDatabase() {
        String experiment = createExperiment(unique("costly"));
        var alice = GraphQL.as("alice");
        List<String> ids = List.of(experiment);
        List<String> tenSorts = java.util.stream.IntStream.range(0, 10).mapToObj(i -> "metrics.m" + i + " DESC").toList();
        assertThat(alice.data(SEARCH, "experiments", ids, "order", tenSorts)).isNotNull();

        List<String> elevenSorts = java.util.stream.IntStream.range(0, 11).mapToObj(i -> "metrics.m" + i).toList();
        var tooManySorts = alice.call(SEARCH, "experiments", ids, "order", elevenSorts);
        assertThat(tooManySorts.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(tooManySorts.message()).contains("at most 10");

        String hundred = String.join(" OR ", java.util.Collections.nCopies(100, "metrics.m > 1"));
        assertThat(alice.data(SEARCH, "experiments", ids, "filter", hundred)).isNotNull();
        assertThat(alice.call(SEARCH, "experiments", ids, "filter", hundred + " OR metrics.m > 2").codes())
                .containsExactly("INVALID_ARGUMENT");
        String deep = "(".repeat(33) + "metrics.m > 1" + ")".repeat(33);
        assertThat(alice.call(SEARCH, "experiments", ids, "filter", deep).codes()).containsExactly("INVALID_ARGUMENT");
    }

    @Test
    void searchSpansExperimentsAndPages() {
        String first = createExperiment(unique("span1"));
        String second = createExperiment(unique("span2"));
        String marker = unique("marker");
        for (String experiment : List.of(first, second)) {
            for (int i = 0; i < 3; i++) {
                String run = createRun(experiment, experiment + "-" + i);
                GraphQL.as("alice").data(LOG, "run", run, "tags", List.of(pair("batch", marker)));
            }
        }
        var alice = GraphQL.as("alice");
        String filter = "tags.batch = '" + marker + "'";

        var all = alice.data(SEARCH, "experiments", List.of(first, second), "filter", filter, "first", 4);
        var rest = alice.data(SEARCH, "experiments", List.of(first, second), "filter", filter, "first", 4,
                "after", all.getString("searchRuns.pageInfo.endCursor"));
        var everywhere = alice.data(SEARCH, "filter", filter);

        assertThat(all.getInt("searchRuns.totalCount")).isEqualTo(6);
        assertThat(all.getBoolean("searchRuns.pageInfo.hasNextPage")).isTrue();
        assertThat(names(rest)).hasSize(2).doesNotContainAnyElementsOf(names(all));
        assertThat(everywhere.getInt("searchRuns.totalCount")).isEqualTo(6);
    }

    @Test
    void malformedFiltersPointAtTheProblem() {
        var alice = GraphQL.as("alice");
        var missingValue = alice.call(SEARCH, "filter", "metrics.accuracy >");
        var unknownPrefix = alice.call(SEARCH, "filter", "metric.accuracy > 1 AND colour = 'red'");
        var unclosed = alice.call(SEARCH, "filter", "(params.a = 'x' OR params.b = 'y'");
        var wrongType = alice.call(SEARCH, "filter", "metrics.accuracy = 'high'");
        var badOrder = alice.call(SEARCH, "order", List.of("metrics.accuracy SIDEWAYS"));

        assertThat(missingValue.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(missingValue.message()).contains("position 19");
        assertThat(unknownPrefix.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(unknownPrefix.message()).contains("position 25");
        assertThat(unclosed.message()).contains("expected ')'");
        assertThat(wrongType.message()).contains("expected a number at position 20");
        assertThat(badOrder.codes()).containsExactly("INVALID_ARGUMENT");
    }

    private static List<String> names(io.restassured.path.json.JsonPath data) {
        return data.getList("searchRuns.edges.node.name");
    }
}
