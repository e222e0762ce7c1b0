package dev.lodestar.graphql;

import static dev.lodestar.testing.Fixtures.createExperiment;
import static dev.lodestar.testing.Fixtures.createRun;
import static dev.lodestar.testing.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code lodestar.graphql.max-execution-time}, set low enough here for a real document to pass it: ten batches of
 * a thousand metric points, then an experiment, in one mutation. The fields resolved before the limit are written
 * whole, the rest answer {@code TIMEOUT} and write nothing.
 */
@QuarkusTest
@TestProfile(GraphQLExecutionTimeTest.ShortExecutionTime.class)
class GraphQLExecutionTimeTest {

    /** A limit of 200 ms. */
    public static class ShortExecutionTime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lodestar.graphql.max-execution-time", "200ms");
        }
    }

    @Test
    void fieldsAfterTheLimitAnswerTimeoutAndWriteNothing() {
        String run = createRun(createExperiment(unique("slow")), "slow");
        String name = unique("after-the-limit");
        StringBuilder document = new StringBuilder("mutation($metrics: [MetricInput!], $name: String!) {");
        for (int i = 0; i < 10; i++) {
            document.append(" b").append(i).append(": logBatch(runId: \"").append(run).append("\", metrics: $metrics) { id }");
        }
        document.append(" createExperiment(name: $name) { id } }");
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (int step = 0; step < 1_000; step++) {
            metrics.add(Fixtures.metric("loss", 1.0 / (step + 1), step));
        }

        var response = GraphQL.as("alice").call(document.toString(), "metrics", metrics, "name", name);

        List<String> codes = response.codes();
        assertThat(codes).isNotEmpty().containsOnly("TIMEOUT");
        assertThat(response.message()).contains("lodestar.graphql.max-execution-time");
        assertThat(response.json().getString("data.b0.id")).isEqualTo(run);
        assertThat(response.json().getMap("data.createExperiment")).isNull();
        assertThat(TestDatabase.count("select count(*) from experiment where name = ?", name)).isZero();
        // Every field but those timed out resolved, and each resolved batch wrote its thousand points.
        long resolvedBatches = 10 - (codes.size() - 1);
        assertThat(TestDatabase.count("select count(*) from metric where run_id = ?::uuid", run))
                .isEqualTo(resolvedBatches * 1_000);
    }
}
