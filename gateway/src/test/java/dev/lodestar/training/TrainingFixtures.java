package dev.lodestar.training;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.TestDatabase;
import io.restassured.path.json.JsonPath;

/** Datasets, training requests and direct SQL for the training tests. */
final class TrainingFixtures {

    static final String TRAIN = """
            mutation($input: TrainModelInput!) {
              trainModel(input: $input) { id status progress stage runId error }
            }""";

    static final String JOB = """
            query($id: ID!) {
              job(id: $id) {
                id status progress stage runId error attempts cancelRequested createdBy task trainer target registerAs
                metrics { key value }
                logs { seq line }
                modelVersion { name version status statusMessage format runId artifactId signature { name type categories } }
              }
            }""";

    private TrainingFixtures() {
    }

    /** Registers a dataset version from CSV text: the bytes through the artifact API, the version row by SQL. */
    static String dataset(String name, String csv, Map<String, String> types) {
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        JsonPath artifact = Fixtures.upload(bytes);
        String header = csv.substring(0, csv.indexOf('\n'));
        StringBuilder columns = new StringBuilder("[");
        for (String column : header.split(",")) {
            columns.append(columns.length() > 1 ? "," : "").append("{\"name\":\"").append(column).append("\",\"type\":\"")
                    .append(types.getOrDefault(column, "NUMBER")).append("\"}");
        }
        columns.append(']');
        UUID id = UUID.randomUUID();
        TestDatabase.update("insert into dataset_version (id, name, version, artifact_id, sha256, rows, columns, profile, created_by, created_at)"
                + " values (?, ?, 1, ?, ?, ?, ?::jsonb, '{}'::jsonb, 'alice', now())", id, name,
                UUID.fromString(artifact.getString("id")), artifact.getString("sha256"), (long) csv.split("\n").length - 1,
                columns.toString());
        return id.toString();
    }

    /** The churn rows of {@link SyntheticChurn} as a dataset. */
    static String churnDataset(int rows, long seed, double noise) {
        return dataset(Fixtures.unique("churn"), SyntheticChurn.csv(rows, seed, noise), Map.of("plan", "TEXT", "region", "TEXT"));
    }

    /** A trainModel input. */
    static Map<String, Object> input(String experiment, String dataset, String target, String task, String trainer,
            String registerAs, Object... more) {
        Map<String, Object> input = new java.util.HashMap<>(Map.of("experimentId", experiment, "datasetId", dataset,
                "target", target, "task", task, "trainer", trainer, "registerAs", registerAs));
        for (int i = 0; i < more.length; i += 2) {
            input.put((String) more[i], more[i + 1]);
        }
        return input;
    }

    /** Queues a job as alice; returns its id. */
    static String train(Map<String, Object> input) {
        return GraphQL.as("alice").data(TRAIN, "input", input).getString("trainModel.id");
    }

    /** Waits until the job is in one of {@code statuses}; returns its view. */
    static JsonPath await(String job, Duration timeout, String... statuses) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonPath view = GraphQL.as("alice").data(JOB, "id", job);
            if (List.of(statuses).contains(view.getString("job.status"))) {
                return view;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + job + " is still " + view.getString("job.status") + " at " + view.getString("job.stage")
                        + ": " + view.getList("job.logs.line"));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Waits until the job is finished. */
    static JsonPath finished(String job) {
        return await(job, Duration.ofSeconds(120), "SUCCEEDED", "FAILED", "CANCELLED");
    }
}
