package dev.lodestar.artifacts;

import static dev.lodestar.testing.Fixtures.createExperiment;
import static dev.lodestar.testing.Fixtures.createRun;
import static dev.lodestar.testing.Fixtures.unique;
import static dev.lodestar.testing.Fixtures.upload;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** Artifacts travel over HTTP, addressed by their SHA-256, and runs file them under paths. */
@QuarkusTest
class ArtifactApiTest {

    @Test
    void anUploadAnswersItsHashAndSizeAndDownloadsAsTheSameBytes() throws NoSuchAlgorithmException {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));

        var stored = upload(bytes);

        assertThat(stored.getString("sha256")).isEqualTo(sha256);
        assertThat(stored.getLong("size")).isEqualTo(bytes.length);
        var download = given().header("Authorization", "Bearer " + Tokens.of("carol"))
                .get("/api/artifacts/" + stored.getString("id"));
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.header("ETag")).isEqualTo("\"" + sha256 + "\"");
        assertThat(download.asByteArray()).isEqualTo(bytes);
    }

    @Test
    void uploadsNeedADataScientistsToken() {
        given().contentType("application/octet-stream").body(new byte[] { 1 }).post("/api/artifacts")
                .then().statusCode(401);
        given().header("Authorization", "Bearer " + Tokens.of("carol")).contentType("application/octet-stream")
                .body(new byte[] { 1 }).post("/api/artifacts")
                .then().statusCode(403).body("code", equalTo("FORBIDDEN"));
    }

    @Test
    void anUnknownArtifactIsNotFoundAndAMalformedIdIsRefused() {
        var carol = given().header("Authorization", "Bearer " + Tokens.of("carol"));
        carol.get("/api/artifacts/" + UUID.randomUUID()).then().statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
        given().header("Authorization", "Bearer " + Tokens.of("carol")).get("/api/artifacts/not-an-id").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"));
    }

    @Test
    void aRunFilesUploadsUnderPathsAndListsThem() {
        String run = createRun(createExperiment(unique("files")), "with-files");
        String report = upload("<html>report</html>".getBytes(StandardCharsets.UTF_8)).getString("id");
        String weights = upload(new byte[] { 1, 2, 3 }).getString("id");
        String log = """
                mutation($run: ID!, $path: String!, $artifact: ID!) {
                  logRunArtifact(runId: $run, path: $path, artifactId: $artifact) { id }
                }""";

        var alice = GraphQL.as("alice");
        alice.data(log, "run", run, "path", "reports/eval.html", "artifact", report);
        alice.data(log, "run", run, "path", "model/weights.bin", "artifact", weights);
        var refused = alice.call(log, "run", run, "path", "../escape", "artifact", weights);

        assertThat(refused.codes()).containsExactly("INVALID_ARGUMENT");
        var files = alice.data("query($id: ID!) { run(id: $id) { artifacts { path artifactId size } } }", "id", run);
        assertThat(files.getList("run.artifacts.path")).containsExactly("model/weights.bin", "reports/eval.html");
        assertThat(files.getList("run.artifacts.artifactId")).containsExactly(weights, report);
        assertThat(files.getList("run.artifacts.size", Integer.class)).containsExactly(3, 19);
    }
}
