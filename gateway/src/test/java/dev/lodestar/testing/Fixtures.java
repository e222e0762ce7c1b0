package dev.lodestar.testing;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.restassured.path.json.JsonPath;

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

    /** Uploads bytes as alice to {@code /api/artifacts}; returns the answer ({@code id}, {@code sha256}, {@code size}). */
    public static JsonPath upload(byte[] bytes) {
        return given().header("Authorization", "Bearer " + Tokens.of("alice"))
                .contentType("application/octet-stream").body(bytes)
                .post("/api/artifacts")
                .then().statusCode(201).extract().jsonPath();
    }

    /** The bytes of a small Tribuo model from the shared golden files ({@code churn-logistic}, {@code spend-linear}). */
    public static byte[] tribuoModel(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/models/" + name + ".tribuo")) {
            if (in == null) {
                throw new IllegalArgumentException("no golden model " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers a model as alice; returns its name. */
    public static String createModel(String name) {
        return GraphQL.as("alice").data("mutation($n: String!) { createRegisteredModel(name: $n) { name } }", "n", name)
                .getString("createRegisteredModel.name");
    }

    /** Registers a version of {@code model} from {@code bytes} as alice and waits until it is READY; returns its number. */
    public static int createReadyVersion(String model, byte[] bytes) {
        return createReadyVersion(model, bytes, null);
    }

    /** Like {@link #createReadyVersion(String, byte[])}, for a version produced by run {@code runId}. */
    public static int createReadyVersion(String model, byte[] bytes, String runId) {
        String artifact = upload(bytes).getString("id");
        int version = GraphQL.as("alice").data("mutation($n: String!, $a: ID!, $r: ID) { createModelVersion(name: $n, artifactId: $a, runId: $r) { version } }",
                "n", model, "a", artifact, "r", runId).getInt("createModelVersion.version");
        String status = awaitRegistered(model, version);
        if (!status.equals("READY")) {
            throw new AssertionError("version " + version + " of " + model + " ended " + status);
        }
        return version;
    }

    /** Waits until a version has left {@code PENDING_REGISTRATION}; returns its status. */
    public static String awaitRegistered(String model, int version) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            String status = GraphQL.as("alice").data("query($n: String!, $v: Int!) { modelVersion(name: $n, version: $v) { status } }",
                    "n", model, "v", version).getString("modelVersion.status");
            if (!status.equals("PENDING_REGISTRATION") || System.nanoTime() > deadline) {
                return status;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
