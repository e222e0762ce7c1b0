package dev.lodestar.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.AuditTampering;
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The hash chain over the audit trail: events are sealed shortly after they commit, verification names the first
 * event changed behind Lodestar's back (each tampering is undone afterwards, so the shared trail stays intact),
 * and exports verify offline with the single-file verifier.
 */
@QuarkusTest
class AuditChainTest {

    static final String VERIFY = "{ verifyAuditTrail { ok checked firstBrokenSequence problem headPosition headHash events } }";
    static final String EVENTS = """
            query($filter: AuditFilter, $first: Int, $after: String) {
              auditEvents(filter: $filter, first: $first, after: $after) {
                totalCount
                edges { node { sequence at actor actorRoles action resourceType resourceId after chainPosition chainHash } }
                pageInfo { hasNextPage endCursor }
              }
            }""";

    @Test
    void everyChangeIsSealedWithinASecondAndTheChainVerifies() throws InterruptedException {
        String experiment = Fixtures.createExperiment(Fixtures.unique("sealed"));
        long created = System.nanoTime();

        JsonPath event;
        do {
            Thread.sleep(20);
            event = GraphQL.as("carol").data(EVENTS, "filter", Map.of("resourceType", "EXPERIMENT", "resourceId", experiment));
        } while (event.getString("auditEvents.edges[0].node.chainHash") == null
                && System.nanoTime() - created < TimeUnit.SECONDS.toNanos(5));
        Duration waited = Duration.ofNanos(System.nanoTime() - created);

        assertThat(event.getString("auditEvents.edges[0].node.chainHash")).matches("[0-9a-f]{64}");
        assertThat(waited).isLessThan(Duration.ofSeconds(2));
        var verification = GraphQL.as("carol").data(VERIFY);
        assertThat(verification.getBoolean("verifyAuditTrail.ok")).isTrue();
        assertThat(verification.getInt("verifyAuditTrail.checked"))
                .isGreaterThanOrEqualTo(event.getInt("auditEvents.edges[0].node.chainPosition"));
        assertThat(verification.getInt("verifyAuditTrail.checked")).isEqualTo(verification.getInt("verifyAuditTrail.events"));
    }

    @Test
    void aRowChangedDirectlyInPostgresIsNamed() throws SQLException {
        long sequence = sealedEventOf(Fixtures.createExperiment(Fixtures.unique("altered")));
        try {
            AuditTampering.tamper("update audit_event set actor_name = 'mallory' where sequence = " + sequence);

            var verification = GraphQL.as("carol").data(VERIFY);

            assertThat(verification.getBoolean("verifyAuditTrail.ok")).isFalse();
            assertThat(verification.getLong("verifyAuditTrail.firstBrokenSequence")).isEqualTo(sequence);
            assertThat(verification.getString("verifyAuditTrail.problem")).contains("altered");
        } finally {
            AuditTampering.tamper("update audit_event set actor_name = 'alice' where sequence = " + sequence);
        }
        assertThat(GraphQL.as("carol").data(VERIFY).getBoolean("verifyAuditTrail.ok")).isTrue();
    }

    @Test
    void aRemovedEventIsNamed() throws SQLException {
        long removed = sealedEventOf(Fixtures.createExperiment(Fixtures.unique("removed")));
        long next = sealedEventOf(Fixtures.createExperiment(Fixtures.unique("after-removed")));
        long position = GraphQL.as("carol").data("query($s: Int!) { auditEvent(sequence: $s) { chainPosition } }", "s", removed)
                .getLong("auditEvent.chainPosition");
        try {
            AuditTampering.tamper("create table removed_event as select * from audit_event where sequence = " + removed,
                    "create table removed_seal as select * from audit_seal where sequence = " + removed,
                    "delete from audit_seal where sequence = " + removed,
                    "delete from audit_event where sequence = " + removed);

            var verification = GraphQL.as("carol").data(VERIFY);

            assertThat(verification.getBoolean("verifyAuditTrail.ok")).isFalse();
            assertThat(verification.getString("verifyAuditTrail.problem")).contains("removed").contains("position " + (position - 1));
            assertThat(verification.getLong("verifyAuditTrail.firstBrokenSequence")).isBetween(removed + 1, next);
        } finally {
            AuditTampering.tamper("insert into audit_event overriding system value select * from removed_event",
                    "insert into audit_seal select * from removed_seal", "drop table removed_event", "drop table removed_seal");
        }
        assertThat(GraphQL.as("carol").data(VERIFY).getBoolean("verifyAuditTrail.ok")).isTrue();
    }

    @Test
    void reorderedEventsAreNamed() throws SQLException {
        long first = sealedEventOf(Fixtures.createExperiment(Fixtures.unique("first")));
        long second = sealedEventOf(Fixtures.createExperiment(Fixtures.unique("second")));
        String swap = "update audit_seal set sequence = case sequence when " + first + " then " + second + " else " + first + " end"
                + " where sequence in (" + first + ", " + second + ")";
        try {
            AuditTampering.tamper("alter table audit_seal drop constraint audit_seal_sequence_key", swap);

            var verification = GraphQL.as("carol").data(VERIFY);

            assertThat(verification.getBoolean("verifyAuditTrail.ok")).isFalse();
            assertThat(verification.getLong("verifyAuditTrail.firstBrokenSequence")).isEqualTo(second);
        } finally {
            AuditTampering.tamper(swap, "alter table audit_seal add constraint audit_seal_sequence_key unique (sequence)");
        }
        assertThat(GraphQL.as("carol").data(VERIFY).getBoolean("verifyAuditTrail.ok")).isTrue();
    }

    @Test
    void anExportVerifiesOfflineAndAnEditedExportDoesNot() throws Exception {
        Instant from = Instant.now().minusSeconds(1);
        String name = Fixtures.unique("exported");
        String experiment = Fixtures.createExperiment(name);
        long last = sealedEventOf(experiment);
        Instant to = Instant.now();
        String lastHash = GraphQL.as("carol").data("query($s: Int!) { auditEvent(sequence: $s) { chainHash } }", "s", last)
                .getString("auditEvent.chainHash");

        for (String format : List.of("jsonl", "csv")) {
            var response = given().header("Authorization", "Bearer " + Tokens.of("carol"))
                    .queryParam("format", format).queryParam("from", from.toString()).queryParam("to", to.toString())
                    .get("/api/audit/export");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.header("Content-Disposition")).contains("." + format);
            Path export = Files.createTempFile("audit-export", "." + format);
            Files.write(export, response.asByteArray());

            Verifier ok = Verifier.run(export);
            assertThat(ok.exitCode()).as(ok.output()).isZero();
            assertThat(ok.output()).startsWith("OK").contains(lastHash);

            String content = Files.readString(export, StandardCharsets.UTF_8);
            Files.writeString(export, content.replace(name, name + "x"), StandardCharsets.UTF_8);
            Verifier broken = Verifier.run(export);
            assertThat(broken.exitCode()).as(broken.output()).isEqualTo(1);
            assertThat(broken.output()).startsWith("BROKEN").contains("event " + last);
        }
    }

    @Test
    void auditorsAndAdminsReadTheTrailAndNobodyElse() {
        String experiment = Fixtures.createExperiment(Fixtures.unique("read"));
        GraphQL.as("alice").data("mutation($id: ID!) { archiveExperiment(id: $id) { id } }", "id", experiment);

        Map<String, String> ofExperiment = Map.of("resourceType", "EXPERIMENT", "resourceId", experiment);
        var page = GraphQL.as("dave").data(EVENTS, "filter", ofExperiment, "first", 1);
        var next = GraphQL.as("dave").data(EVENTS, "filter", ofExperiment, "first", 1,
                "after", page.getString("auditEvents.pageInfo.endCursor"));
        var archived = GraphQL.as("carol").data(EVENTS, "filter",
                Map.of("resourceType", "EXPERIMENT", "resourceId", experiment, "action", "EXPERIMENT_ARCHIVED"));

        assertThat(page.getInt("auditEvents.totalCount")).isEqualTo(2);
        assertThat(page.getList("auditEvents.edges.node.action")).containsExactly("EXPERIMENT_ARCHIVED");
        assertThat(page.getList("auditEvents.edges.node.actor")).containsExactly("alice");
        assertThat(next.getList("auditEvents.edges.node.action")).containsExactly("EXPERIMENT_CREATED");
        assertThat(next.getBoolean("auditEvents.pageInfo.hasNextPage")).isFalse();
        assertThat(archived.getList("auditEvents.edges.node.action")).containsExactly("EXPERIMENT_ARCHIVED");
        assertThat(GraphQL.as("alice").call(EVENTS).codes()).containsExactly("FORBIDDEN");
        assertThat(GraphQL.as("bob").call(VERIFY).codes()).containsExactly("FORBIDDEN");
        assertThat(GraphQL.as("carol").call(EVENTS, "filter", Map.of("action", "DROPPED_TABLE")).codes())
                .containsExactly("INVALID_ARGUMENT");
        given().header("Authorization", "Bearer " + Tokens.of("alice")).get("/api/audit/export").then().statusCode(403);
        given().get("/api/audit/export").then().statusCode(401);
    }

    /** The sequence of the event that created {@code experiment}, once it is sealed. */
    static long sealedEventOf(String experiment) {
        GraphQL.as("carol").data(VERIFY);
        return GraphQL.as("carol").data(EVENTS, "filter", Map.of("resourceType", "EXPERIMENT", "resourceId", experiment, "action", "EXPERIMENT_CREATED"))
                .getLong("auditEvents.edges[0].node.sequence");
    }

    /** The single-file verifier run as an auditor would: {@code java AuditChainFormat.java <file>}. */
    record Verifier(int exitCode, String output) {

        static Verifier run(Path export) throws IOException, InterruptedException {
            String java = ProcessHandle.current().info().command().orElse("java");
            Path source = Path.of("src/main/java/dev/lodestar/audit/AuditChainFormat.java");
            Process process = new ProcessBuilder(java, source.toString(), export.toString()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the verifier did not finish: " + output);
            }
            return new Verifier(process.exitValue(), output.strip());
        }
    }
}
