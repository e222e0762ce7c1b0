package dev.lodestar.graphql;

import static dev.lodestar.testing.Fixtures.createExperiment;
import static dev.lodestar.testing.Fixtures.createRun;
import static dev.lodestar.testing.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code lodestar.graphql.max-execution-time}, set low enough here for a real document to pass it: twenty batches
 * of a thousand metric points, then an experiment, in one mutation. The fields resolved before the limit are written
 * whole; the rest are not resolved and write nothing, and the answer says {@code TIMEOUT}.
 */
@QuarkusTest
@TestProfile(GraphQLExecutionTimeTest.ShortExecutionTime.class)
class GraphQLExecutionTimeTest {

    private static final int BATCHES = 20;

    /** A limit of 500 ms. */
    public static class ShortExecutionTime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lodestar.graphql.max-execution-time", "500ms");
        }
    }

    @Test
    void fieldsAfterTheLimitAnswerTimeoutAndWriteNothing() {
        String run = withinTheLimit(() -> createRun(withinTheLimit(() -> createExperiment(unique("slow"))), "slow"));
        String name = unique("after-the-limit");
        StringBuilder document = new StringBuilder("mutation($metrics: [MetricInput!], $name: String!) {");
        for (int i = 0; i < BATCHES; i++) {
            document.append(" b").append(i).append(": logBatch(runId: \"").append(run).append("\", metrics: $metrics) { id }");
        }
        document.append(" createExperiment(name: $name) { id } }");
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (int step = 0; step < 1_000; step++) {
            metrics.add(Fixtures.metric("loss", 1.0 / (step + 1), step));
        }

        var response = GraphQL.as("alice").call(document.toString(), "metrics", metrics, "name", name);

        // A timed-out logBatch is a null Run!, which empties data; what was written tells which fields ran.
        assertThat(response.codes()).isNotEmpty().containsOnly("TIMEOUT");
        assertThat(response.message()).contains("lodestar.graphql.max-execution-time");
        assertThat(TestDatabase.count("select count(*) from experiment where name = ?", name)).isZero();
        long points = TestDatabase.count("select count(*) from metric where run_id = ?::uuid", run);
        assertThat(points % 1_000).as("each batch written whole or not at all").isZero();
        assertThat(points).as("the batches after the limit not written").isLessThan(BATCHES * 1_000L);
    }

    /**
     * A fixture call, tried again while the gateway is still warming up (its first requests load classes and can
     * pass a short limit on their own).
     */
    private static String withinTheLimit(Supplier<String> fixture) {
        AssertionError last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                return fixture.get();
            } catch (AssertionError e) {
                if (!e.getMessage().contains("TIMEOUT")) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }
}
