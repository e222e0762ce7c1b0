package dev.lodestar.datasets;

import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.LodestarStack;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Dataset uploads over {@code POST /api/datasets} and reads over GraphQL, with real tokens, a real PostgreSQL and
 * the real artifact store. Every refusal is checked to leave nothing behind: no version, no artifact, no bytes.
 * The test stack sets {@code lodestar.datasets.max-size} to 1 MiB.
 */
@QuarkusTest
@QuarkusTestResource(LodestarStack.class)
class DatasetApiTest {

    static final String DATASET = """
            query($id: ID!) {
              dataset(id: $id) {
                id name version rows sha256 artifactId size createdBy createdAt
                columns { name type }
                profile {
                  name type count missing min max mean stddev quantilesExact
                  quantiles { p value } histogram { low high count }
                  distinct distinctCapped topValues { value count }
                }
              }
            }""";

    static final String LIST = """
            query($name: String, $first: Int, $after: String) {
              datasets(name: $name, first: $first, after: $after) {
                totalCount
                edges { cursor node { id name version rows size } }
                pageInfo { hasNextPage endCursor }
              }
            }""";

    @Test
    void aCsvIsRegisteredAndAnsweredExactly() throws Exception {
        String name = unique("churn");
        byte[] csv = """
                age,plan,score\r
                31,basic,1.5\r
                45,pro,\r
                ,pro,3.5\r
                52,"basic, ""legacy""\",2\r
                """.getBytes(StandardCharsets.UTF_8);

        Response response = upload(name, csv, null);

        assertThat(response.statusCode()).isEqualTo(201);
        Map<String, Object> body = response.jsonPath().getMap("");
        assertThat(body).containsOnlyKeys("id", "name", "version", "rows", "columns", "sha256", "artifactId", "size",
                "createdBy", "createdAt");
        assertThat(UUID.fromString((String) body.get("id"))).isNotNull();
        assertThat(body).containsEntry("name", name).containsEntry("version", 1).containsEntry("rows", 4)
                .containsEntry("sha256", sha256(csv)).containsEntry("size", csv.length).containsEntry("createdBy", "alice");
        assertThat(body.get("columns")).isEqualTo(List.of(Map.of("name", "age", "type", "NUMBER"),
                Map.of("name", "plan", "type", "TEXT"), Map.of("name", "score", "type", "NUMBER")));
        assertThat(response.header("Location")).endsWith("/api/datasets/" + body.get("id"));
        given().header("Authorization", "Bearer " + Tokens.of("carol")).get("/api/artifacts/" + body.get("artifactId"))
                .then().statusCode(200).header("Content-Type", "text/csv");
        assertThat(auditEvents("DATASET_REGISTERED", (String) body.get("id"))).isEqualTo(1);
    }

    @Test
    void theProfileHasTheKnownNumbers() {
        String name = unique("profile");
        StringBuilder csv = new StringBuilder("n,letter,empty\n");
        for (int i = 1; i <= 100; i++) {
            csv.append(i).append(',').append(i <= 50 ? "a" : i <= 80 ? "b" : "c").append(",\n");
        }
        String id = upload(name, csv.toString().getBytes(StandardCharsets.UTF_8), null).then().statusCode(201).extract().path("id");

        var dataset = GraphQL.as("carol").data(DATASET, "id", id);

        assertThat(dataset.getInt("dataset.rows")).isEqualTo(100);
        assertThat(dataset.getList("dataset.columns.type")).containsExactly("NUMBER", "TEXT", "TEXT");
        var n = dataset.setRootPath("data.dataset.profile[0]");
        assertThat(n.getLong("count")).isEqualTo(100);
        assertThat(n.getLong("missing")).isZero();
        assertThat(n.getDouble("min")).isEqualTo(1.0);
        assertThat(n.getDouble("max")).isEqualTo(100.0);
        assertThat(n.getDouble("mean")).isEqualTo(50.5);
        assertThat(n.getDouble("stddev")).isCloseTo(29.011492, within(1e-6));
        assertThat(n.getBoolean("quantilesExact")).isTrue();
        assertThat(n.getList("quantiles.p", Double.class)).containsExactly(0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99);
        List<Double> quantiles = n.getList("quantiles.value", Double.class);
        double[] expected = { 1.99, 5.95, 25.75, 50.5, 75.25, 95.05, 99.01 };
        for (int i = 0; i < expected.length; i++) {
            assertThat(quantiles.get(i)).isCloseTo(expected[i], within(1e-9));
        }
        assertThat(n.getList("histogram.count", Integer.class)).hasSize(20).containsOnly(5);
        assertThat(n.getDouble("histogram[19].high")).isEqualTo(100.0);
        var letter = dataset.setRootPath("data.dataset.profile[1]");
        assertThat(letter.getInt("distinct")).isEqualTo(3);
        assertThat(letter.getBoolean("distinctCapped")).isFalse();
        assertThat(letter.getList("topValues.value")).containsExactly("a", "b", "c");
        assertThat(letter.getList("topValues.count", Integer.class)).containsExactly(50, 30, 20);
        assertThat(letter.getString("min")).isNull();
        var empty = dataset.setRootPath("data.dataset.profile[2]");
        assertThat(empty.getInt("count")).isZero();
        assertThat(empty.getInt("missing")).isEqualTo(100);
    }

    @Test
    void aMostlyNumericColumnWithTextEarlyOnIsText() {
        String csv = "id,code\n1,10\n2,abc\n3,30\n";
        upload(unique("mixed"), csv.getBytes(StandardCharsets.UTF_8), null).then().statusCode(201)
                .body("columns[1].type", equalTo("TEXT")).body("columns[0].type", equalTo("NUMBER"));
    }

    @Test
    void declaredTypesOverrideInference() {
        String csv = "zip,amount\n01234,5\n99999,6\n";
        upload(unique("declared"), csv.getBytes(StandardCharsets.UTF_8), "zip:TEXT").then().statusCode(201)
                .body("columns[0].type", equalTo("TEXT")).body("columns[1].type", equalTo("NUMBER"));
    }

    @Test
    void eachUploadOfANameIsTheNextVersionAndSameContentSharesItsArtifact() throws Exception {
        String name = unique("versions");
        byte[] csv = ("x,y\n1," + name + "\n").getBytes(StandardCharsets.UTF_8);

        var first = upload(name, csv, null).then().statusCode(201).extract().jsonPath();
        var second = upload(name, csv, null).then().statusCode(201).extract().jsonPath();
        var third = upload(name, "x,y\n2,b\n3,c\n".getBytes(StandardCharsets.UTF_8), null).then().statusCode(201).extract().jsonPath();

        assertThat(List.of(first.getInt("version"), second.getInt("version"), third.getInt("version"))).containsExactly(1, 2, 3);
        assertThat(second.getString("artifactId")).isEqualTo(first.getString("artifactId"));
        assertThat(third.getString("artifactId")).isNotEqualTo(first.getString("artifactId"));
        assertThat(count("select count(*) from artifact where sha256 = ?", sha256(csv))).isEqualTo(1);

        var page = GraphQL.as("bob").data(LIST, "name", name, "first", 2);
        assertThat(page.getInt("datasets.totalCount")).isEqualTo(3);
        assertThat(page.getList("datasets.edges.node.version", Integer.class)).containsExactly(3, 2);
        assertThat(page.getList("datasets.edges.node.size", Integer.class)).containsExactly(12, csv.length);
        assertThat(page.getBoolean("datasets.pageInfo.hasNextPage")).isTrue();
        var rest = GraphQL.as("bob").data(LIST, "name", name, "first", 2, "after", page.getString("datasets.pageInfo.endCursor"));
        assertThat(rest.getList("datasets.edges.node.version", Integer.class)).containsExactly(1);
        assertThat(rest.getBoolean("datasets.pageInfo.hasNextPage")).isFalse();
    }

    @Test
    void malformedFilesAreRefusedWithLineAndColumnAndLeaveNothing() throws Exception {
        StringBuilder ragged = new StringBuilder("a,b,c,d,e\n");
        for (int i = 0; i < 5; i++) {
            ragged.append("1,2,3,4,5\n");
        }
        ragged.append("1,2,3,4\n");
        refused(ragged.toString(), null, "line 7 has 4 fields, the header has 5");

        StringBuilder declared = new StringBuilder("age,plan\n");
        for (int i = 2; i < 12; i++) {
            declared.append(i).append(",basic\n");
        }
        declared.append("abc,pro\n");
        refused(declared.toString(), "age:NUMBER,plan:TEXT", "line 12, column 'age': 'abc' is not a number");

        StringBuilder inferred = new StringBuilder("n\n");
        for (int i = 0; i < 1000; i++) {
            inferred.append(i).append('\n');
        }
        inferred.append("oops\n");
        refused(inferred.toString(), null, "line 1002, column 'n': 'oops' is not a number");

        refused("", null, "the file is empty");
        refused("a,b\n", null, "the file has a header but no rows");
        refused("a,b,a\n1,2,3\n", null, "line 1, field 3: the column name 'a' is already the name of field 1");
        refused("a,,c\n1,2,3\n", null, "line 1, field 2: the column name is empty");
        refused("a,b\n1,\"open\n2,3\n", null, "line 2, column 'b': the quoted field that starts on this line is not closed");
        refused("a,b\n1,x\"y\n", null, "line 2, column 'b': a quote inside an unquoted field");
        refused("a,b\n1,\"x\"y\n", null, "line 2, column 'b': text after the closing quote");
        refused("a,b\n1,2\n", "c:NUMBER", "types names the column 'c'");
        refused("a,b\n1,2\n", "a:DATE", "types: 'a:DATE' is not column:NUMBER or column:TEXT");

        byte[] invalid = { 'a', ',', 'b', '\n', '1', ',', 'x', (byte) 0xff, '\n' };
        refused(invalid, null, "line 2, column 'b': the bytes are not valid UTF-8");
    }

    @Test
    void anUploadStreamingPastTheLimitIsRefusedWith413AndLeavesNothing() throws Exception {
        String name = unique("huge");
        byte[] row = "12345,some text that repeats\n".getBytes(StandardCharsets.UTF_8);
        byte[] csv = new byte[1_200_000];
        byte[] header = "id,text\n".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(header, 0, csv, 0, header.length);
        for (int at = header.length; at < csv.length; at += row.length) {
            System.arraycopy(row, 0, csv, at, Math.min(row.length, csv.length - at));
        }
        // No Content-Length: the body is sent chunked and counted as it streams.
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/datasets?name=" + name))
                .header("Authorization", "Bearer " + Tokens.of("alice")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(csv))).build();

        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"code\":\"INVALID_ARGUMENT\"").contains("larger than the limit of 1048576 bytes");
        assertThat(count("select count(*) from dataset_version where name = ?", name)).isZero();
        assertThat(count("select count(*) from artifact where sha256 = ?", sha256(csv))).isZero();
        assertThat(stored(sha256(csv))).isFalse();
    }

    @Test
    void aContentLengthOverTheLimitIsRefusedBeforeTheBodyIsSent() throws IOException {
        try (Socket socket = new Socket(URI.create(RestAssured.baseURI).getHost(), RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/datasets?name=" + unique("two-gigabytes") + " HTTP/1.1\r\n"
                    + "Host: localhost\r\nAuthorization: Bearer " + Tokens.of("alice") + "\r\n"
                    + "Content-Type: text/csv\r\nContent-Length: 2000000000\r\n\r\na,b\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));

            assertThat(in.readLine()).startsWith("HTTP/1.1 413");
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                // headers
            }
            char[] body = new char[200];
            int read = in.read(body);
            assertThat(new String(body, 0, Math.max(read, 0))).contains("INVALID_ARGUMENT").contains("larger than the limit");
        }
    }

    @Test
    void uploadsNeedADataScientistsToken() {
        given().contentType("text/csv").body("a\n1\n").post("/api/datasets?name=x").then().statusCode(401);
        given().header("Authorization", "Bearer " + Tokens.of("carol")).contentType("text/csv").body("a\n1\n")
                .post("/api/datasets?name=x").then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        upload("bad name!", "a\n1\n".getBytes(StandardCharsets.UTF_8), null).then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"));
    }

    @Test
    void graphQLReadsNeedALodestarRoleAndUnknownIdsAreNull() {
        assertThat(GraphQL.anonymous().call(DATASET, "id", UUID.randomUUID().toString()).codes()).containsExactly("UNAUTHENTICATED");
        assertThat(GraphQL.as("dave").data(DATASET, "id", UUID.randomUUID().toString()).getString("dataset")).isNull();
        assertThat(GraphQL.as("dave").call(DATASET, "id", "not-an-id").codes()).containsExactly("INVALID_ARGUMENT");
    }

    static Response upload(String name, byte[] csv, String types) {
        var request = given().header("Authorization", "Bearer " + Tokens.of("alice")).contentType("text/csv").body(csv)
                .queryParam("name", name);
        if (types != null) {
            request.queryParam("types", types);
        }
        return request.post("/api/datasets");
    }

    private static void refused(String csv, String types, String message) throws Exception {
        refused(csv.getBytes(StandardCharsets.UTF_8), types, message);
    }

    private static void refused(byte[] csv, String types, String message) throws Exception {
        String name = unique("malformed");
        upload(name, csv, types).then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", org.hamcrest.Matchers.containsString(message));
        assertThat(count("select count(*) from dataset_version where name = ?", name)).as(message).isZero();
        assertThat(count("select count(*) from artifact where sha256 = ?", sha256(csv))).as(message).isZero();
        assertThat(stored(sha256(csv))).as(message).isFalse();
    }

    static long count(String sql, String parameter) throws SQLException {
        TestStack.Addresses stack = TestStack.get();
        try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
                PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static long auditEvents(String action, String resourceId) throws SQLException {
        TestStack.Addresses stack = TestStack.get();
        try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
                PreparedStatement statement = db.prepareStatement(
                        "select count(*) from audit_event where action = ? and resource_type = 'DATASET' and resource_id = ?")) {
            statement.setString(1, action);
            statement.setString(2, resourceId);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static boolean stored(String sha256) {
        return Files.exists(Path.of(System.getProperty("lodestar.test.output", "target/test-stack"), "artifacts",
                sha256.substring(0, 2), sha256));
    }

    static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
