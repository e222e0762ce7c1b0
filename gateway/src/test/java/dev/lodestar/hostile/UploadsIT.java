package dev.lodestar.hostile;

import static dev.lodestar.testing.Fixtures.createExperiment;
import static dev.lodestar.testing.Fixtures.createRun;
import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.LodestarStack;
import dev.lodestar.testing.TestDatabase;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * Hostile uploads against the packaged gateway: artifacts and datasets over the size limit (streamed, without a
 * Content-Length), bytes that are not what their declared type says, a SHA-256 that does not match, and file
 * names and run file paths that try to leave the artifact store. Every refusal is a 4xx with a code and leaves
 * nothing behind: no row, no stored file, no temporary file, nothing written outside the store. The test stack
 * sets {@code lodestar.artifacts.max-size} to 32 MiB and {@code lodestar.datasets.max-size} to 1 MiB.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class UploadsIT {

    private static final Path ARTIFACTS = Path.of(System.getProperty("lodestar.test.output", "target/test-stack"), "artifacts");
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    @Test
    void anArtifactStreamingPastTheLimitIsRefusedWith413AndLeavesNothing() throws Exception {
        byte[] content = new byte[32 * 1024 * 1024 + 1];
        new java.util.Random(1).nextBytes(content);
        Set<Path> before = files(ARTIFACTS);

        HttpResponse<String> response = streamed("/api/artifacts?name=big.bin", "application/octet-stream", content);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"code\":\"INVALID_ARGUMENT\"").contains("larger than the limit of 33554432 bytes");
        assertNothingStored(content);
        assertThat(files(ARTIFACTS)).as("files after a refused upload").isEqualTo(before);
    }

    @Test
    void aDatasetStreamingPastTheLimitLeavesNoTemporaryFile() throws Exception {
        String name = unique("huge");
        byte[] csv = ("a,b\n" + "1,text\n".repeat(160_000)).getBytes(StandardCharsets.UTF_8);
        Set<Path> before = files(ARTIFACTS);

        HttpResponse<String> response = streamed("/api/datasets?name=" + name, "text/csv", csv);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"code\":\"INVALID_ARGUMENT\"");
        assertThat(TestDatabase.count("select count(*) from dataset_version where name = ?", name)).isZero();
        assertNothingStored(csv);
        assertThat(files(ARTIFACTS)).isEqualTo(before);
    }

    @Test
    void contentThatIsNotWhatItsTypeSaysIsRefusedAndWhatIsIsKept() throws Exception {
        refused("application/json", new byte[] {'{', '"', 'a', '"', ':', (byte) 0xff, '}'}, "not valid UTF-8 at byte 5");
        refused("text/csv", "a,b\n1,\u0000\n".getBytes(StandardCharsets.UTF_8), "NUL byte");
        refused("image/png", "<svg onload=alert(1)>".getBytes(StandardCharsets.UTF_8), "declared image/png but does not start");
        refused("application/zip", new byte[] {'P', 'k'}, "declared application/zip but does not start");
        // Only the first byte of the signature, and nothing after it.
        upload("application/zip", new byte[] {'P'}, null).then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString("too short"));
        refused("application/gzip", PNG, "declared application/gzip");
        upload("*/*", "text".getBytes(StandardCharsets.UTF_8), null).then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"));

        // A multi-byte character split across the store's 64 KiB reads is still text.
        byte[] text = ("x".repeat(65_535) + "é€😀 done").getBytes(StandardCharsets.UTF_8);
        upload("text/plain; charset=utf-8", text, null).then().statusCode(201).body("sha256", equalTo(sha256(text)));
        upload("image/png", PNG, null).then().statusCode(201).body("sha256", equalTo(sha256(PNG)));
        upload("application/octet-stream", new byte[] {0, (byte) 0xff, 0}, null).then().statusCode(201);
    }

    @Test
    void anAnnouncedSha256MustMatchTheBytes() throws Exception {
        byte[] content = ("model bytes " + unique("m")).getBytes(StandardCharsets.UTF_8);
        byte[] other = "other bytes".getBytes(StandardCharsets.UTF_8);
        String base64 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(other));

        given().header("Authorization", "Bearer " + Tokens.of("alice")).header("Digest", "sha-256=" + base64)
                .contentType("application/octet-stream").body(content).post("/api/artifacts")
                .then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString("not the announced " + sha256(other)));
        given().header("Authorization", "Bearer " + Tokens.of("alice")).header("X-Content-SHA256", "abc")
                .contentType("application/octet-stream").body(content).post("/api/artifacts")
                .then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"));
        assertNothingStored(content);

        given().header("Authorization", "Bearer " + Tokens.of("alice")).header("X-Content-SHA256", sha256(content).toUpperCase())
                .contentType("application/octet-stream").body(content).post("/api/artifacts")
                .then().statusCode(201).body("sha256", equalTo(sha256(content)));
    }

    @Test
    void fileNamesAndRunPathsNeverLeaveTheStore() throws Exception {
        Set<Path> before = files(ARTIFACTS);
        byte[] content = ("traversal " + unique("t")).getBytes(StandardCharsets.UTF_8);
        List<String> names = List.of("../../escape.txt", "/tmp/escape.txt", "..", ".", "..\\..\\escape.txt", "a\u0000b",
                "evil\u202etxt.exe", "zero\u200bwidth", "quote\".txt", "line\r\nbreak", "x".repeat(256), " ");
        for (String name : names) {
            upload("application/octet-stream", content, name).then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"));
        }
        // Encoded on the wire: decoded by the server before it is checked.
        for (String encoded : List.of("%2e%2e", "..%2f..%2fescape", "%2e%2e%5c%2e%2e%5cescape", "a%00b")) {
            given().urlEncodingEnabled(false).header("Authorization", "Bearer " + Tokens.of("alice"))
                    .contentType("application/octet-stream").body(content).post("/api/artifacts?name=" + encoded)
                    .then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"));
        }
        assertNothingStored(content);

        String artifact = upload("application/octet-stream", content, "model.bin").then().statusCode(201)
                .extract().path("id");
        String run = createRun(createExperiment(unique("paths")), "paths");
        String log = """
                mutation($run: ID!, $path: String!, $artifact: ID!) {
                  logRunArtifact(runId: $run, path: $path, artifactId: $artifact) { id }
                }""";
        for (String path : List.of("../escape", "/etc/passwd", "a/../../b", "a\\b", "%2e%2e/x", "a\u0000b", "./a", "a//b",
                "a/", "C:\\x", "~/x", "x".repeat(501))) {
            assertThat(GraphQL.as("alice").call(log, "run", run, "path", path, "artifact", artifact).codes()).as(path)
                    .containsExactly("INVALID_ARGUMENT");
        }
        assertThat(TestDatabase.count("select count(*) from run_artifact where run_id = ?::uuid", uuid(run))).isZero();

        // Ids and paths in URLs: never a file of the store's folder or above.
        for (String id : List.of("..%2f..%2fpom.xml", "%2e%2e", "..%5c..%5cpom.xml")) {
            var response = given().urlEncodingEnabled(false).header("Authorization", "Bearer " + Tokens.of("alice"))
                    .get("/api/artifacts/" + id);
            assertThat(response.statusCode()).as(id).isBetween(400, 404);
            assertThat(response.body().asString()).doesNotContain("<project");
        }
        for (Path escape : List.of(ARTIFACTS.resolve("../escape.txt"), ARTIFACTS.resolve("../../escape.txt"),
                ARTIFACTS.resolve("../../escape"), Path.of("/tmp/escape.txt"))) {
            assertThat(escape.normalize()).as("written outside the store").doesNotExist();
        }
        Set<Path> after = files(ARTIFACTS);
        after.removeAll(before);
        assertThat(after).as("new files").allSatisfy(path -> {
            assertThat(path.startsWith(ARTIFACTS.toAbsolutePath().normalize())).as(path.toString()).isTrue();
            assertThat(path.getFileName().toString()).matches("[0-9a-f]{64}");
        });
    }

    @Test
    void datasetNamesAndBinaryFilesAreRefused() throws Exception {
        for (String name : List.of("../../escape", "a/b", "..", "a\\b", "x\u0000")) {
            given().header("Authorization", "Bearer " + Tokens.of("alice")).contentType("text/csv").body("a\n1\n")
                    .queryParam("name", name).post("/api/datasets").then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"));
        }
        byte[] binary = new byte[512];
        System.arraycopy(PNG, 0, binary, 0, PNG.length);
        String name = unique("binary");
        given().header("Authorization", "Bearer " + Tokens.of("alice")).contentType("text/csv").body(binary)
                .queryParam("name", name).post("/api/datasets").then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"));
        assertThat(TestDatabase.count("select count(*) from dataset_version where name = ?", name)).isZero();
        assertNothingStored(binary);
    }

    private static void refused(String type, byte[] prefix, String message) throws Exception {
        // Unique bytes, so content stored by an earlier run against the same store cannot pass for this one.
        byte[] unique = unique("-").getBytes(StandardCharsets.UTF_8);
        byte[] content = java.util.Arrays.copyOf(prefix, prefix.length + unique.length);
        System.arraycopy(unique, 0, content, prefix.length, unique.length);
        upload(type, content, null).then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString(message));
        assertNothingStored(content);
    }

    private static io.restassured.response.Response upload(String type, byte[] content, String name) {
        RequestSpecification request = given().header("Authorization", "Bearer " + Tokens.of("alice"))
                .contentType(type).body(content);
        if (name != null) {
            request.queryParam("name", name);
        }
        return request.post("/api/artifacts");
    }

    private static HttpResponse<String> streamed(String path, String type, byte[] content) throws Exception {
        // No Content-Length: the body is sent chunked and counted as it streams.
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + path))
                .header("Authorization", "Bearer " + Tokens.of("alice")).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(content))).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertNothingStored(byte[] content) throws NoSuchAlgorithmException {
        String sha256 = sha256(content);
        assertThat(TestDatabase.count("select count(*) from artifact where sha256 = ?", sha256)).as("artifact rows").isZero();
        assertThat(Files.exists(ARTIFACTS.resolve(sha256.substring(0, 2)).resolve(sha256))).as("stored file").isFalse();
        try (Stream<Path> incoming = Files.exists(ARTIFACTS.resolve("incoming")) ? Files.list(ARTIFACTS.resolve("incoming"))
                : Stream.empty()) {
            assertThat(incoming.toList()).as("temporary files").isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file under {@code root}, as absolute normalized paths. */
    private static Set<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> p.toAbsolutePath().normalize())
                    .collect(Collectors.toCollection(java.util.HashSet::new));
        }
    }

    private static String uuid(String hex) {
        return hex.replaceFirst("(\\w{8})(\\w{4})(\\w{4})(\\w{4})(\\w{12})", "$1-$2-$3-$4-$5");
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
