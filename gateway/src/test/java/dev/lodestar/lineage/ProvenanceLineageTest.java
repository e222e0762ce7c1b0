package dev.lodestar.lineage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Lineage read from the provenance of Tribuo models registered from outside: a model trained by Tribuo's
 * {@code CSVLoader} on a file whose bytes are a Lodestar dataset is linked to that dataset once the registration
 * worker has made it READY; one trained on a file Lodestar never saw is linked to the file.
 */
@QuarkusTest
class ProvenanceLineageTest {

    @TempDir
    Path dir;

    @Test
    void aModelTrainedOnTheBytesOfADatasetIsTrainedOnThatDataset() throws Exception {
        byte[] bytes = uniqueCsv();
        JsonPath dataset = given().auth().oauth2(Tokens.of("alice")).contentType("text/csv").body(bytes)
                .post("/api/datasets?name=" + Fixtures.unique("provenance")).then().statusCode(201).extract().jsonPath();
        assertThat(dataset.getString("sha256")).isEqualTo(sha256(bytes));
        Path file = Files.write(dir.resolve("churn.csv"), bytes);
        String model = Fixtures.createModel(Fixtures.unique("provenance-model"));

        int version = Fixtures.createReadyVersion(model, TrainingSourcesTest.trainedOn(file).serialize().toByteArray());

        String node = LineageEdges.modelVersion(model, version);
        JsonPath upstream = upstream(node);
        assertThat(upstream.getList("lineage.nodes.id", String.class))
                .containsExactlyInAnyOrder(node, "dataset:" + dataset.getString("id"));
        assertThat(edges(upstream)).containsExactly(tuple("dataset:" + dataset.getString("id"), node, "TRAINED_ON"));
    }

    @Test
    void aModelTrainedOnAnUnregisteredFileIsTrainedOnTheFile() throws Exception {
        Path file = Files.write(dir.resolve("elsewhere.csv"), uniqueCsv());
        String model = Fixtures.createModel(Fixtures.unique("provenance-model"));

        int version = Fixtures.createReadyVersion(model, TrainingSourcesTest.trainedOn(file).serialize().toByteArray());

        String node = LineageEdges.modelVersion(model, version);
        JsonPath upstream = upstream(node);
        assertThat(upstream.getList("lineage.nodes.id", String.class)).containsExactlyInAnyOrder(node, "dataset:file:" + file);
        assertThat(edges(upstream)).containsExactly(tuple("dataset:file:" + file, node, "TRAINED_ON"));
        assertThat(LineageGraphQLTest.names(upstream)).containsEntry("dataset:file:" + file, "elsewhere.csv");
    }

    @Test
    void aModelTrainedOnDataInMemoryHasNoUpstream() {
        String model = Fixtures.createModel(Fixtures.unique("provenance-model"));

        int version = Fixtures.createReadyVersion(model, Fixtures.tribuoModel("churn-logistic"));

        String node = LineageEdges.modelVersion(model, version);
        assertThat(upstream(node).getList("lineage.nodes.id", String.class)).containsExactly(node);
    }

    private static JsonPath upstream(String node) {
        return GraphQL.as("carol").data(LineageGraphQLTest.LINEAGE, "node", node, "direction", "UPSTREAM", "depth", 3);
    }

    private static List<org.assertj.core.groups.Tuple> edges(JsonPath graph) {
        List<Map<String, String>> edges = graph.getList("lineage.edges");
        return edges.stream().map(e -> tuple(e.get("from"), e.get("to"), e.get("kind"))).toList();
    }

    /** A training CSV no other test uploads: the shared rows plus one row of this test's own. */
    private static byte[] uniqueCsv() {
        String row = "73," + (20 + Math.floorMod(System.nanoTime(), 10_000) / 100.0) + ",0\n";
        return (TrainingSourcesTest.csv(300) + row).getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
