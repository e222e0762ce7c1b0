package dev.lodestar.monitoring;

import static dev.lodestar.testing.Fixtures.createModel;
import static dev.lodestar.testing.Fixtures.createReadyVersion;
import static dev.lodestar.testing.Fixtures.tribuoModel;
import static dev.lodestar.testing.Fixtures.unique;

import java.time.Duration;
import java.util.function.Supplier;

import dev.lodestar.testing.GraphQL;

/** Deployments, monitors, waiting and direct SQL for the monitoring and retraining tests. */
public final class MonitoringFixtures {

    public static final String CREATE_MONITOR = """
            mutation($input: MonitorInput!) {
              createMonitor(input: $input) { id deployment kind feature metric bound minRows maxRows createdBy }
            }""";

    public static final String ALERTS = """
            query($d: String, $first: Int, $after: String) {
              alerts(deployment: $d, first: $first, after: $after) {
                totalCount
                edges { cursor node { id deployment kind message at monitorId model version windowStart windowEnd report } }
                pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
              }
            }""";

    private MonitoringFixtures() {
    }

    /** A new model with a READY golden churn version and a deployment pinning it; returns the deployment's name. */
    public static String deployment() {
        String model = createModel(unique("monitored"));
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));
        String name = unique("watched");
        GraphQL.as("alice").data("mutation($n: String!, $m: String!, $v: Int) { createDeployment(name: $n, model: $m, version: $v) { name } }",
                "n", name, "m", model, "v", version);
        return name;
    }

    /** Polls {@code check} until it answers non-null, or fails after {@code timeout}. */
    public static <T> T await(Duration timeout, String what, Supplier<T> check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = check.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
