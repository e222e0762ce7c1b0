package dev.lodestar.lineage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.transports.ApiKeyTokenProvider;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** The OpenLineage intake, fed by the official OpenLineage Java client's HTTP transport with a real client-credentials token. */
@QuarkusTest
class OpenLineageIntakeTest {

    OpenLineageClient client(String token) {
        HttpConfig config = new HttpConfig();
        config.setUrl(URI.create(RestAssured.baseURI + ":" + RestAssured.port));
        config.setEndpoint("/api/v1/lineage");
        ApiKeyTokenProvider auth = new ApiKeyTokenProvider();
        auth.setApiKey(token);
        config.setAuth(auth);
        return OpenLineageClient.builder().transport(new HttpTransport(config)).build();
    }

    @Test
    void startAndCompleteEventsFromTheOfficialClientAppearInTheGraph() {
        String namespace = Fixtures.unique("airflow");
        OpenLineage ol = new OpenLineage(URI.create("https://github.com/OpenLineage/OpenLineage/tree/1.55.0/client/java"));
        UUID runId = UUID.randomUUID();
        OpenLineage.Job job = ol.newJobBuilder().namespace(namespace).name("daily_churn_features").build();
        OpenLineage.Run run = ol.newRunBuilder().runId(runId).build();
        List<OpenLineage.InputDataset> inputs = List.of(ol.newInputDatasetBuilder().namespace("postgres://db:5432").name("crm.customers").build());
        List<OpenLineage.OutputDataset> outputs = List.of(ol.newOutputDatasetBuilder().namespace("s3://features").name("churn/daily").build());
        OpenLineageClient client = client(Tokens.lineageProducer());
        client.emit(ol.newRunEventBuilder().eventType(OpenLineage.RunEvent.EventType.START).eventTime(ZonedDateTime.now())
                .run(run).job(job).inputs(inputs).outputs(List.of()).build());
        var complete = ol.newRunEventBuilder().eventType(OpenLineage.RunEvent.EventType.COMPLETE).eventTime(ZonedDateTime.now())
                .run(run).job(job).inputs(inputs).outputs(outputs).build();
        client.emit(complete);
        client.emit(complete);

        var graph = GraphQL.as("carol").data(LineageGraphQLTest.LINEAGE, "node", "job:" + namespace + ":daily_churn_features",
                "direction", "DOWNSTREAM", "depth", 2);
        assertThat(graph.getList("lineage.nodes.id", String.class)).containsExactlyInAnyOrder(
                "job:" + namespace + ":daily_churn_features", "run:" + runId, "dataset:s3://features:churn/daily");
        assertThat(graph.getList("lineage.edges.kind", String.class)).containsExactlyInAnyOrder("RUN_OF", "OUTPUT_OF");
        var upstream = GraphQL.as("carol").data(LineageGraphQLTest.LINEAGE, "node", "run:" + runId, "direction", "UPSTREAM", "depth", 1);
        assertThat(upstream.getList("lineage.nodes.id", String.class)).contains("dataset:postgres://db:5432:crm.customers");
        assertThat(LineageGraphQLTest.names(graph)).containsEntry("dataset:s3://features:churn/daily", "churn/daily");
    }

    @Test
    void invalidEventsAreRefusedWithTheirViolationsAndNothingStored() {
        String namespace = Fixtures.unique("bad");
        String body = """
                {"eventType": "STARTED", "eventTime": "yesterday", "producer": "not a uri",
                 "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
                 "run": {"runId": "1234"}, "job": {"namespace": "%s", "name": "x"}}""".formatted(namespace);
        var refused = given().auth().oauth2(Tokens.lineageProducer()).contentType("application/json").body(body)
                .post("/api/v1/lineage").then().statusCode(400).extract().jsonPath();

        assertThat(refused.getString("code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(String.join("\n", refused.getList("violations", String.class)))
                .contains("/eventType", "/eventTime", "/producer", "/run/runId");
        assertThat(GraphQL.as("carol").call(LineageGraphQLTest.LINEAGE, "node", "job:" + namespace + ":x", "direction", "BOTH",
                "depth", 1).codes()).containsExactly("NOT_FOUND");
        given().auth().oauth2(Tokens.lineageProducer()).contentType("application/json").body("{not json")
                .post("/api/v1/lineage").then().statusCode(400);
    }

    @Test
    void malformedUtf8IsRefusedNotStoredAsReplacementCharacters() {
        String namespace = Fixtures.unique("utf8");
        byte[] body = """
                {"eventType": "START", "eventTime": "2026-11-23T10:00:00Z", "producer": "https://example.com/p",
                 "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
                 "run": {"runId": "%s"}, "job": {"namespace": "%s", "name": "j?"}}""".formatted(UUID.randomUUID(), namespace)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // The '?' becomes 0xE2, which opens a three-byte sequence that '"' does not continue.
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '?') {
                body[i] = (byte) 0xE2;
            }
        }

        var refused = given().auth().oauth2(Tokens.lineageProducer()).contentType("application/json").body(body)
                .post("/api/v1/lineage").then().statusCode(400).extract().jsonPath();

        assertThat(refused.getString("code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(refused.getList("violations", String.class)).singleElement().asString().contains("UTF-8");
        assertThat(GraphQL.as("carol").call(LineageGraphQLTest.LINEAGE, "node", "job:" + namespace + ":j\ufffd",
                "direction", "BOTH", "depth", 1).codes()).containsExactly("NOT_FOUND");
    }

    @Test
    void onlyProducersDataScientistsAndAdminsMayPost() {
        OpenLineage ol = new OpenLineage(URI.create("https://example.com/producer"));
        var event = ol.newRunEventBuilder().eventType(OpenLineage.RunEvent.EventType.START).eventTime(ZonedDateTime.now())
                .run(ol.newRunBuilder().runId(UUID.randomUUID()).build())
                .job(ol.newJobBuilder().namespace(Fixtures.unique("roles")).name("j").build()).build();
        String json = io.openlineage.client.OpenLineageClientUtils.toJson(event);
        given().contentType("application/json").body(json).post("/api/v1/lineage").then().statusCode(401);
        given().auth().oauth2(Tokens.of("bob")).contentType("application/json").body(json).post("/api/v1/lineage").then().statusCode(403);
        given().auth().oauth2(Tokens.of("carol")).contentType("application/json").body(json).post("/api/v1/lineage").then().statusCode(403);
        given().auth().oauth2(Tokens.of("alice")).contentType("application/json").body(json).post("/api/v1/lineage").then().statusCode(201);
        given().auth().oauth2(Tokens.of("dave")).contentType("application/json").body(json).post("/api/v1/lineage").then().statusCode(200);
        assertThatThrownBy(() -> client("not-a-token").emit(event)).isInstanceOf(RuntimeException.class);
    }
}
