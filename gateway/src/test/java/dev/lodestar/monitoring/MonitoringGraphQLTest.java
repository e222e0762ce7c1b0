package dev.lodestar.monitoring;

import static dev.lodestar.monitoring.MonitoringFixtures.ALERTS;
import static dev.lodestar.monitoring.MonitoringFixtures.CREATE_MONITOR;
import static dev.lodestar.monitoring.MonitoringFixtures.await;
import static dev.lodestar.monitoring.MonitoringFixtures.deployment;
import static dev.lodestar.testing.TestDatabase.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Monitors, alerts and webhooks through {@code /graphql} with real tokens, the evaluator judging real windows on its
 * schedule, and webhooks delivered to a real HTTP receiver that checks every signature.
 */
@QuarkusTest
class MonitoringGraphQLTest {

    static final String AUDIT = """
            query($type: String!, $id: String!) {
              auditEvents(filter: {resourceType: $type, resourceId: $id}) { edges { node { action actor before after reason } } }
            }""";

    @Test
    void monitorsAreCheckedAuditedAndOnlyChangedByDataScientistsAndAdmins() {
        String deployment = deployment();
        JsonPath created = GraphQL.as("alice").data(CREATE_MONITOR, "input", Map.of("deployment", deployment, "kind", "FEATURE_DRIFT",
                "feature", "tenure_months"));
        assertThat(created.getMap("createMonitor")).containsEntry("deployment", deployment).containsEntry("kind", "FEATURE_DRIFT")
                .containsEntry("feature", "tenure_months").containsEntry("createdBy", "alice");
        String id = created.getString("createMonitor.id");
        GraphQL.as("dave").data(CREATE_MONITOR, "input", Map.of("deployment", deployment, "kind", "PERFORMANCE_BELOW",
                "metric", "accuracy", "bound", 0.8));
        GraphQL.as("alice").data(CREATE_MONITOR, "input", Map.of("deployment", deployment, "kind", "VOLUME", "minRows", 10,
                "maxRows", 100000));
        assertThat(GraphQL.as("carol").data("query($d: String) { monitors(deployment: $d) { kind } }", "d", deployment)
                .getList("monitors.kind")).containsExactly("FEATURE_DRIFT", "PERFORMANCE_BELOW", "VOLUME");

        Map<Map<String, Object>, String> refusals = Map.of(
                Map.of("deployment", "no-such-deployment", "kind", "DATASET_DRIFT"), "NOT_FOUND",
                Map.of("deployment", deployment, "kind", "FEATURE_DRIFT"), "INVALID_ARGUMENT",
                Map.of("deployment", deployment, "kind", "DATASET_DRIFT", "feature", "x"), "INVALID_ARGUMENT",
                Map.of("deployment", deployment, "kind", "PERFORMANCE_BELOW", "metric", "auc", "bound", 0.5), "INVALID_ARGUMENT",
                Map.of("deployment", deployment, "kind", "PERFORMANCE_BELOW", "metric", "accuracy"), "INVALID_ARGUMENT",
                Map.of("deployment", deployment, "kind", "VOLUME"), "INVALID_ARGUMENT",
                Map.of("deployment", deployment, "kind", "VOLUME", "minRows", 10, "maxRows", 5), "INVALID_ARGUMENT");
        refusals.forEach((input, code) -> assertThat(GraphQL.as("alice").call(CREATE_MONITOR, "input", input).codes())
                .as(input.toString()).containsExactly(code));
        for (String user : List.of("bob", "carol")) {
            assertThat(GraphQL.as(user).call(CREATE_MONITOR, "input", Map.of("deployment", deployment, "kind", "DATASET_DRIFT"))
                    .codes()).as(user).containsExactly("FORBIDDEN");
        }
        assertThat(GraphQL.as("bob").call("mutation($id: ID!) { deleteMonitor(id: $id) { id } }", "id", id).codes())
                .containsExactly("FORBIDDEN");

        assertThat(GraphQL.as("alice").data("mutation($id: ID!) { deleteMonitor(id: $id) { id kind } }", "id", id)
                .getString("deleteMonitor.kind")).isEqualTo("FEATURE_DRIFT");
        assertThat(GraphQL.as("alice").call("mutation($id: ID!) { deleteMonitor(id: $id) { id } }", "id", id).codes())
                .containsExactly("NOT_FOUND");
        List<Map<String, Object>> events = GraphQL.as("carol").data(AUDIT, "type", "MONITOR", "id", id)
                .getList("auditEvents.edges.node");
        assertThat(events).extracting(e -> e.get("action")).containsExactlyInAnyOrder("MONITOR_CREATED", "MONITOR_DELETED");
        assertThat(events).extracting(e -> e.get("actor")).containsOnly("alice");
    }

    @Test
    void aBrokenRuleRaisesOneAuditedAlertPerWindowAndTheWebhookGetsItSignedAfterARetry() throws IOException {
        String secret = "test-secret-" + Instant.now().toEpochMilli();
        Receiver receiver = new Receiver(secret);
        String webhook = null;
        try {
            JsonPath created = GraphQL.as("dave").data("mutation($u: String!, $s: String) { createWebhook(url: $u, secret: $s) {"
                    + " secret webhook { id url createdBy } } }", "u", receiver.url(), "s", secret);
            webhook = created.getString("createWebhook.webhook.id");
            assertThat(created.getString("createWebhook.secret")).isEqualTo(secret);
            assertThat(created.getString("createWebhook.webhook.createdBy")).isEqualTo("dave");
            String events = GraphQL.as("carol").data(AUDIT, "type", "WEBHOOK", "id", webhook).getString("auditEvents.edges[0].node.after");
            assertThat(events).contains("[redacted]").doesNotContain(secret);
            assertThat(GraphQL.as("alice").call("{ webhooks { id } }").codes()).containsExactly("FORBIDDEN");
            assertThat(GraphQL.as("dave").call("mutation { createWebhook(url: \"ftp://example.org/x\") { secret } }").codes())
                    .containsExactly("INVALID_ARGUMENT");

            String deployment = deployment();
            String monitor = GraphQL.as("alice").data(CREATE_MONITOR, "input", Map.of("deployment", deployment, "kind", "VOLUME",
                    "minRows", 1)).getString("createMonitor.id");

            // Nobody calls the deployment: the last closed window has 0 rows, below the minimum.
            Map<String, Object> alert = await(Duration.ofSeconds(30), "an alert", () -> {
                List<Map<String, Object>> nodes = GraphQL.as("bob").data(ALERTS, "d", deployment).getList("alerts.edges.node");
                return nodes.isEmpty() ? null : nodes.get(0);
            });
            assertThat(alert).containsEntry("deployment", deployment).containsEntry("kind", "VOLUME").containsEntry("monitorId", monitor)
                    .containsEntry("version", 1);
            assertThat((String) alert.get("message")).contains("0 rows").contains("fewer than the minimum 1");
            Instant start = Instant.parse((String) alert.get("windowStart"));
            Instant end = Instant.parse((String) alert.get("windowEnd"));
            assertThat(Duration.between(start, end)).isEqualTo(Duration.ofMinutes(5));
            assertThat(end).isBefore(Instant.now());

            List<Map<String, Object>> raised = GraphQL.as("carol").data(AUDIT, "type", "ALERT", "id", alert.get("id"))
                    .getList("auditEvents.edges.node");
            assertThat(raised).singleElement().satisfies(e -> {
                assertThat(e).containsEntry("action", "ALERT_RAISED").containsEntry("actor", "system");
                assertThat((String) e.get("reason")).isEqualTo(alert.get("message"));
            });
            assertThat(query("select from_node, kind from lineage_edge where to_node = ?", "alert:" + alert.get("id")))
                    .singleElement().satisfies(row -> {
                        assertThat(row[0]).isEqualTo("window:" + deployment + ":1:" + start.getEpochSecond());
                        assertThat(row[1]).isEqualTo("RAISED");
                    });

            // The receiver refuses the first attempt; the retry, signed again, is accepted.
            String alertId = (String) alert.get("id");
            Map<String, Object> delivery = await(Duration.ofSeconds(30), "a delivery", () -> {
                List<Map<String, Object>> rows = GraphQL.as("dave").data("query($a: ID) { webhookDeliveries(alert: $a) {"
                        + " webhookId alertId status attempts lastStatus lastError deliveredAt } }", "a", alertId)
                        .getList("webhookDeliveries");
                return rows.stream().filter(r -> r.get("webhookId").equals(created.getString("createWebhook.webhook.id"))
                        && "DELIVERED".equals(r.get("status"))).findFirst().orElse(null);
            });
            assertThat(delivery).containsEntry("attempts", 2).containsEntry("lastStatus", 204).containsEntry("lastError", null);
            List<Received> mine = receiver.received().stream().filter(r -> r.body().contains("\"id\":\"" + alertId + "\"")).toList();
            assertThat(mine).hasSize(2).allSatisfy(r -> assertThat(r.signatureValid()).as("signature of " + r.body()).isTrue());
            assertThat(mine.get(0).body()).isEqualTo(mine.get(1).body());
            assertThat(mine.get(0).delivery()).isEqualTo(mine.get(1).delivery());
            JsonPath body = JsonPath.from(mine.get(0).body());
            assertThat(body.getString("deployment")).isEqualTo(deployment);
            assertThat(body.getString("kind")).isEqualTo("VOLUME");
            assertThat(body.getMap("report")).containsEntry("deployment", deployment);

            // Judging again on the same window raises nothing more.
            try {
                Thread.sleep(2_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // (A later window may have closed meanwhile and raised its own alert: only this window's count.)
            List<Map<String, Object>> sameWindow = GraphQL.as("bob").data(ALERTS, "d", deployment)
                    .<Map<String, Object>>getList("alerts.edges.node").stream()
                    .filter(a -> start.equals(Instant.parse((String) a.get("windowStart")))).toList();
            assertThat(sameWindow).hasSize(1);
        } finally {
            if (webhook != null) {
                GraphQL.as("dave").data("mutation($id: ID!) { deleteWebhook(id: $id) { id } }", "id", webhook);
            }
            receiver.stop();
        }
    }

    @Test
    void alertsArePagedNewestFirstWithCursors() {
        String deployment = deployment();
        for (int i = 0; i < 3; i++) {
            // Three monitors on one idle deployment: three alerts on the last window.
            GraphQL.as("alice").data(CREATE_MONITOR, "input", Map.of("deployment", deployment, "kind", "VOLUME", "minRows", 1 + i));
        }
        await(Duration.ofSeconds(30), "three alerts", () -> GraphQL.as("bob").data(ALERTS, "d", deployment)
                .getInt("alerts.totalCount") == 3 ? Boolean.TRUE : null);
        JsonPath first = GraphQL.as("carol").data(ALERTS, "d", deployment, "first", 2);
        assertThat(first.getList("alerts.edges")).hasSize(2);
        assertThat(first.getBoolean("alerts.pageInfo.hasNextPage")).isTrue();
        assertThat(first.getBoolean("alerts.pageInfo.hasPreviousPage")).isFalse();
        JsonPath second = GraphQL.as("carol").data(ALERTS, "d", deployment, "first", 2, "after",
                first.getString("alerts.pageInfo.endCursor"));
        assertThat(second.getList("alerts.edges")).hasSize(1);
        assertThat(second.getBoolean("alerts.pageInfo.hasNextPage")).isFalse();
        List<Integer> ids = new java.util.ArrayList<>();
        first.getList("alerts.edges.node.id", String.class).forEach(id -> ids.add(Integer.parseInt(id)));
        second.getList("alerts.edges.node.id", String.class).forEach(id -> ids.add(Integer.parseInt(id)));
        assertThat(ids).isSortedAccordingTo((a, b) -> b - a).doesNotHaveDuplicates();
        assertThat(GraphQL.as("carol").call(ALERTS, "after", "bm90LWEtY3Vyc29y").codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(GraphQL.anonymous().call(ALERTS).codes()).containsExactly("UNAUTHENTICATED");
    }

    @Test
    void windowsThatClosedWhileNoGatewayJudgedAreCaughtUpOnTheLatestTwelve() {
        String deployment = deployment();
        // An idle deployment breaks a minimum of one row in every window.
        long monitor = Long.parseLong(GraphQL.as("alice").data(CREATE_MONITOR, "input", Map.of("deployment", deployment,
                "kind", "VOLUME", "minRows", 1)).getString("createMonitor.id"));
        Map<String, Object> first = await(Duration.ofSeconds(30), "the first alert", () -> GraphQL.as("bob")
                .data(ALERTS, "d", deployment).<Map<String, Object>> getList("alerts.edges.node").stream().findFirst().orElse(null));
        Instant end = Instant.parse((String) first.get("windowEnd"));
        Duration width = Duration.between(Instant.parse((String) first.get("windowStart")), end);

        // As if no gateway had judged for a hundred windows.
        TestDatabase.update("update monitor set checked_until = ? where id = ?",
                java.time.OffsetDateTime.ofInstant(end.minus(width.multipliedBy(100)), java.time.ZoneOffset.UTC), monitor);

        List<Instant> starts = await(Duration.ofSeconds(30), "twelve alerts", () -> {
            List<Instant> found = GraphQL.as("bob").data(ALERTS, "d", deployment, "first", 50)
                    .<String> getList("alerts.edges.node.windowStart").stream().map(Instant::parse).sorted().toList();
            return found.size() >= 12 ? found : null;
        });
        assertThat(starts).doesNotHaveDuplicates().first().isEqualTo(starts.get(starts.size() - 1).minus(width.multipliedBy(11)));
        for (int i = 1; i < starts.size(); i++) {
            assertThat(Duration.between(starts.get(i - 1), starts.get(i))).as("window %d follows window %d", i, i - 1)
                    .isEqualTo(width);
        }
        assertThat(starts.get(starts.size() - 1)).isAfterOrEqualTo(end.minus(width));
    }

    /** One request the receiver got. */
    record Received(String body, String delivery, boolean signatureValid) {
    }

    /** A webhook receiver on a local port: verifies each signature, refuses the first request of each delivery. */
    static final class Receiver {
        private final HttpServer server;
        private final String secret;
        private final List<Received> received = new CopyOnWriteArrayList<>();
        private final Map<String, AtomicInteger> attempts = new java.util.concurrent.ConcurrentHashMap<>();

        Receiver(String secret) throws IOException {
            this.secret = secret;
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        List<Received> received() {
            return received;
        }

        void stop() {
            server.stop(0);
        }

        private void handle(HttpExchange exchange) throws IOException {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String timestamp = exchange.getRequestHeaders().getFirst("X-Lodestar-Timestamp");
            String signature = exchange.getRequestHeaders().getFirst("X-Lodestar-Signature");
            String delivery = exchange.getRequestHeaders().getFirst("X-Lodestar-Delivery");
            boolean valid = timestamp != null && signature != null
                    && Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) < 60
                    && signature.equals(WebhookSignatures.expected(secret, timestamp, body));
            received.add(new Received(body, delivery, valid));
            int attempt = attempts.computeIfAbsent(String.valueOf(delivery), k -> new AtomicInteger()).incrementAndGet();
            int status = !valid ? 401 : attempt == 1 ? 503 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        }
    }
}
