package dev.lodestar.testing;

import java.util.Map;
import java.util.UUID;

/** Test data made through the public API, with names unique to each test so tests never see each other's data. */
public final class Fixtures {

    private Fixtures() {
    }

    /** {@code prefix} with a random suffix. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates an experiment as alice; returns its id. */
    public static String createExperiment(String name) {
        return GraphQL.as("alice").data("mutation($name: String!) { createExperiment(name: $name) { id } }", "name", name)
                .getString("createExperiment.id");
    }

    /** Creates a run as alice; returns its id. */
    public static String createRun(String experiment, String name) {
        return GraphQL.as("alice").data("mutation($e: ID!, $name: String) { createRun(experimentId: $e, name: $name) { id } }",
                "e", experiment, "name", name).getString("createRun.id");
    }

    /** A metric point input. */
    public static Map<String, Object> metric(String key, double value, int step) {
        return Map.of("key", key, "value", value, "step", step);
    }

    /** A param or tag input. */
    public static Map<String, Object> pair(String key, String value) {
        return Map.of("key", key, "value", value);
    }
}
