package dev.lodestar.experiments;

import static dev.lodestar.experiments.RunGraphQLTest.LOG;
import static dev.lodestar.testing.Fixtures.createExperiment;
import static dev.lodestar.testing.Fixtures.createRun;
import static dev.lodestar.testing.Fixtures.metric;
import static dev.lodestar.testing.Fixtures.pair;
import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.GraphQL;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Listing runs with their children costs a fixed number of SQL statements, whatever the number of runs:
 * observed the way an operator would, through Hibernate's statement counter on {@code /q/metrics}.
 */
@QuarkusTest
class StatementCountTest {

    private static final int RUNS = 300;

    @Inject
    Scheduler scheduler;

    private static final String LIST = """
            query($experiment: [ID!], $first: Int) {
              searchRuns(experimentIds: $experiment, first: $first) {
                edges { node {
                  id name status
                  experiment { id name tags { key } }
                  params { key value } tags { key value } latestMetrics { key value step }
                  parentRun { id } childRuns { id }
                } }
              }
            }""";

    private static final Pattern PREPARED = Pattern.compile("^hibernate_statements_total\\{[^}]*status=\"prepared\"[^}]*} ([0-9.eE+]+)$",
            Pattern.MULTILINE);

    @Test
    void listingHundredsOfRunsCostsTheSameStatementsAsListingTen() {
        String experiment = createExperiment(unique("n-plus-one"));
        var alice = GraphQL.as("alice");
        for (int i = 0; i < RUNS; i++) {
            String run = createRun(experiment, "r" + i);
            alice.data(LOG, "run", run, "metrics", List.of(metric("loss", 1.0 / (i + 1), i), metric("accuracy", (double) i / RUNS, i)),
                    "params", List.of(pair("seed", Integer.toString(i)), pair("model", "cart")),
                    "tags", List.of(pair("fold", Integer.toString(i % 5))));
        }
        alice.data(LIST, "experiment", List.of(experiment), "first", 10); // warm: lazy initialisation outside the count

        long ten;
        long all;
        scheduler.pause();
        try {
            ten = statementsFor(alice, experiment, 10);
            all = statementsFor(alice, experiment, RUNS);
        } finally {
            scheduler.resume();
        }

        assertThat(all).isEqualTo(ten);
        assertThat(ten).isLessThanOrEqualTo(8);
    }

    /**
     * The statements one listing costs. The counter is process-wide: the background sweeps of the registry and the
     * approvals are paused while counting, and since anything else running alongside could only add statements, the
     * fewest of a few listings is the listing's own.
     */
    private static long statementsFor(GraphQL client, String experiment, int first) {
        long fewest = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 5; attempt++) {
            fewest = Math.min(fewest, statementsOfOneListing(client, experiment, first));
        }
        return fewest;
    }

    private static long statementsOfOneListing(GraphQL client, String experiment, int first) {
        long before = preparedStatements();
        var data = client.data(LIST, "experiment", List.of(experiment), "first", first);
        long after = preparedStatements();
        assertThat(data.getList("searchRuns.edges")).hasSize(first);
        List<List<Object>> params = data.getList("searchRuns.edges.node.params");
        List<List<Object>> metrics = data.getList("searchRuns.edges.node.latestMetrics");
        assertThat(params).allSatisfy(p -> assertThat(p).hasSize(2));
        assertThat(metrics).allSatisfy(m -> assertThat(m).hasSize(2));
        return after - before;
    }

    private static long preparedStatements() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = PREPARED.matcher(metrics);
        if (!matcher.find()) {
            throw new AssertionError("no hibernate_statements_total{status=\"prepared\"} on /q/metrics");
        }
        return (long) Double.parseDouble(matcher.group(1));
    }
}
