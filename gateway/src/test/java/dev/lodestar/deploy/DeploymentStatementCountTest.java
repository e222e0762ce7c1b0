package dev.lodestar.deploy;

import static dev.lodestar.testing.Fixtures.createModel;
import static dev.lodestar.testing.Fixtures.createReadyVersion;
import static dev.lodestar.testing.Fixtures.tribuoModel;
import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.GraphQL;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;

/** Listing deployments with their readiness, replicas and history costs the same statements for 2 or 25 of them. */
@QuarkusTest
class DeploymentStatementCountTest {

    @Inject
    Scheduler scheduler;

    private static final String LIST = """
            query($first: Int) {
              deployments(first: $first) {
                edges { node { name model version ready replicas { replica versions { state } } history { reason } } }
              }
            }""";

    private static final Pattern PREPARED = Pattern.compile("^hibernate_statements_total\\{[^}]*status=\"prepared\"[^}]*} ([0-9.eE+]+)$",
            Pattern.MULTILINE);

    @Test
    void listingManyDeploymentsCostsTheSameStatementsAsListingTwo() {
        String model = createModel(unique("counted"));
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));
        for (int i = 0; i < 25; i++) {
            GraphQL.as("alice").data("mutation($n: String!, $m: String!, $v: Int) { createDeployment(name: $n, model: $m, version: $v) { name } }",
                    "n", unique("counted"), "m", model, "v", version);
        }
        GraphQL.as("carol").data(LIST, "first", 2);

        long two;
        long many;
        scheduler.pause();
        try {
            two = statementsFor(2);
            many = statementsFor(25);
        } finally {
            scheduler.resume();
        }

        assertThat(many).isEqualTo(two);
        assertThat(two).isLessThanOrEqualTo(6);
    }

    private static long statementsFor(int first) {
        long fewest = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 5; attempt++) {
            long before = preparedStatements();
            var data = GraphQL.as("carol").data(LIST, "first", first);
            long after = preparedStatements();
            assertThat(data.getList("deployments.edges")).hasSize(first);
            fewest = Math.min(fewest, after - before);
        }
        return fewest;
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
