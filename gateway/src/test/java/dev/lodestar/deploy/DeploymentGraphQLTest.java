package dev.lodestar.deploy;

import static dev.lodestar.testing.Fixtures.awaitRegistered;
import static dev.lodestar.testing.Fixtures.createModel;
import static dev.lodestar.testing.Fixtures.createReadyVersion;
import static dev.lodestar.testing.Fixtures.tribuoModel;
import static dev.lodestar.testing.Fixtures.unique;
import static dev.lodestar.testing.Fixtures.upload;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.GraphQL;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Deployments through {@code /graphql} with real tokens: changes, rules, roles, audit, and following aliases. */
@QuarkusTest
class DeploymentGraphQLTest {

    static final String FIELDS = "name model alias version previousVersion ready revision canary { version percent } shadow { version }"
            + " history { reason detail alias version actor canary { version percent } shadow { version } }";

    static final String CREATE = """
            mutation($name: String!, $model: String!, $alias: String, $version: Int) {
              createDeployment(name: $name, model: $model, alias: $alias, version: $version) { %s }
            }""".formatted(FIELDS);

    static final String UPDATE = """
            mutation($name: String!, $input: UpdateDeploymentInput!) { updateDeployment(name: $name, input: $input) { %s } }
            """.formatted(FIELDS);

    static final String ROLLBACK = "mutation($name: String!) { rollbackDeployment(name: $name) { %s } }".formatted(FIELDS);

    static final String DELETE = "mutation($name: String!) { deleteDeployment(name: $name) { name version } }";

    static final String GET = "query($name: String!) { deployment(name: $name) { %s } }".formatted(FIELDS);

    static final String SET_ALIAS = "mutation($n: String!, $a: String!, $v: Int!) { setAlias(name: $n, alias: $a, version: $v) { version } }";

    static final String REQUEST = """
            mutation($name: String!, $version: Int!) {
              requestPromotion(name: $name, version: $version, alias: "champion", reason: "better holdout AUC") { id }
            }""";

    static final String APPROVE = "mutation($id: ID!) { approvePromotion(requestId: $id) { status } }";

    @Test
    void aDeploymentPinsAVersionOrFollowsAnAlias() {
        String model = createModel(unique("served"));
        int v1 = createReadyVersion(model, tribuoModel("churn-logistic"));
        int v2 = createReadyVersion(model, tribuoModel("churn-logistic"));
        GraphQL.as("alice").data(SET_ALIAS, "n", model, "a", "staging", "v", v2);

        var pinned = GraphQL.as("alice").data(CREATE, "name", unique("pinned"), "model", model, "version", v1).getMap("createDeployment");
        var following = GraphQL.as("alice").data(CREATE, "name", unique("following"), "model", model, "alias", "staging")
                .getMap("createDeployment");

        assertThat(pinned).containsEntry("model", model).containsEntry("alias", null).containsEntry("version", v1)
                .containsEntry("previousVersion", null).containsEntry("ready", false).containsEntry("canary", null);
        assertThat(following).containsEntry("alias", "staging").containsEntry("version", v2);
        assertThat(GraphQL.as("carol").data(GET, "name", following.get("name")).getList("deployment.history.reason"))
                .containsExactly("CREATED");
        assertThat((int) following.get("revision")).isGreaterThan((int) pinned.get("revision"));
        var listed = GraphQL.as("bob").data("{ deployments(first: 1000) { totalCount edges { node { name version } } } }");
        assertThat(listed.getList("deployments.edges.node.name")).contains(pinned.get("name"), following.get("name"));
    }

    @Test
    void canaryShadowAndRollbackChangeTheDesiredVersionsWithHistory() {
        String model = createModel(unique("canary"));
        int v1 = createReadyVersion(model, tribuoModel("churn-logistic"));
        int v2 = createReadyVersion(model, tribuoModel("churn-logistic"));
        int v3 = createReadyVersion(model, tribuoModel("churn-logistic"));
        GraphQL.as("alice").data(SET_ALIAS, "n", model, "a", "staging", "v", v1);
        String name = unique("canary");
        GraphQL.as("alice").data(CREATE, "name", name, "model", model, "alias", "staging");

        var canary = GraphQL.as("alice").data(UPDATE, "name", name, "input", Map.of("canary", Map.of("version", v2, "percent", 10),
                "shadow", Map.of("version", v3))).getMap("updateDeployment");
        var pinned = GraphQL.as("dave").data(UPDATE, "name", name, "input", Map.of("version", v2)).getMap("updateDeployment");

        assertThat(canary).containsEntry("version", v1).containsEntry("canary", Map.of("version", v2, "percent", 10))
                .containsEntry("shadow", Map.of("version", v3));
        // The primary moved onto the canary's version: the canary graduated.
        assertThat(pinned).containsEntry("alias", null).containsEntry("version", v2).containsEntry("previousVersion", v1)
                .containsEntry("canary", null).containsEntry("shadow", Map.of("version", v3));

        var rolledBack = GraphQL.as("alice").data(ROLLBACK, "name", name).getMap("rollbackDeployment");
        assertThat(rolledBack).containsEntry("version", v1).containsEntry("previousVersion", v2).containsEntry("alias", null);
        var again = GraphQL.as("alice").data(ROLLBACK, "name", name).getMap("rollbackDeployment");
        assertThat(again).containsEntry("version", v2).containsEntry("previousVersion", v1);

        var cleared = GraphQL.as("alice").data(UPDATE, "name", name, "input", Map.of("clearShadow", true, "alias", "staging"))
                .getMap("updateDeployment");
        assertThat(cleared).containsEntry("shadow", null).containsEntry("alias", "staging").containsEntry("version", v1);
        assertThat(GraphQL.as("carol").data(GET, "name", name).getList("deployment.history.reason"))
                .containsExactly("UPDATED", "ROLLED_BACK", "ROLLED_BACK", "UPDATED", "UPDATED", "CREATED");
    }

    @Test
    void rollingBackADeploymentThatFollowsAnAliasPinsThePreviousVersion() {
        String model = createModel(unique("rollback"));
        int v1 = createReadyVersion(model, tribuoModel("churn-logistic"));
        int v2 = createReadyVersion(model, tribuoModel("churn-logistic"));
        GraphQL.as("alice").data(SET_ALIAS, "n", model, "a", "staging", "v", v1);
        String name = unique("rollback");
        GraphQL.as("alice").data(CREATE, "name", name, "model", model, "alias", "staging");
        GraphQL.as("alice").data(SET_ALIAS, "n", model, "a", "staging", "v", v2);

        var rolledBack = GraphQL.as("alice").data(ROLLBACK, "name", name).getMap("rollbackDeployment");

        assertThat(rolledBack).containsEntry("alias", null).containsEntry("version", v1).containsEntry("previousVersion", v2);
        assertThat(GraphQL.as("carol").data(GET, "name", name).getString("deployment.history[0].detail"))
                .contains("no longer following alias 'staging'");
        // The alias moving again no longer moves the pinned deployment.
        GraphQL.as("alice").data(SET_ALIAS, "n", model, "a", "staging", "v", v1);
        assertThat(GraphQL.as("carol").data(GET, "name", name).getInt("deployment.version")).isEqualTo(v1);
    }

    @Test
    void argumentsAreCheckedWithCodes() throws IOException {
        String model = createModel(unique("checked"));
        int good = createReadyVersion(model, tribuoModel("churn-logistic"));
        int file = createReadyVersion(model, "not a tribuo model".getBytes(StandardCharsets.UTF_8));
        int failed = failedVersion(model);
        String name = unique("checked");
        var alice = GraphQL.as("alice");
        alice.data(CREATE, "name", name, "model", model, "version", good);

        assertThat(alice.call(CREATE, "name", "Not_A_Label", "model", model, "version", good).codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(CREATE, "name", "-edge", "model", model, "version", good).codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(CREATE, "name", "a".repeat(64), "model", model, "version", good).codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(CREATE, "name", unique("both"), "model", model, "version", good, "alias", "staging").codes())
                .containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(CREATE, "name", name, "model", model, "version", good).codes()).containsExactly("CONFLICT");
        assertThat(alice.call(CREATE, "name", unique("nomodel"), "model", unique("missing"), "version", 1).codes())
                .containsExactly("NOT_FOUND");
        assertThat(alice.call(CREATE, "name", unique("noversion"), "model", model, "version", 99).codes()).containsExactly("NOT_FOUND");
        assertThat(alice.call(CREATE, "name", unique("nochampion"), "model", model).codes()).containsExactly("NOT_FOUND");

        var fileVersion = alice.call(CREATE, "name", unique("file"), "model", model, "version", file);
        assertThat(fileVersion.codes()).containsExactly("CONFLICT");
        assertThat(fileVersion.message()).contains("format FILE");
        var failedVersion = alice.call(UPDATE, "name", name, "input", Map.of("version", failed));
        assertThat(failedVersion.codes()).containsExactly("CONFLICT");
        assertThat(failedVersion.message()).contains("FAILED_REGISTRATION");
        assertThat(alice.call(UPDATE, "name", name, "input", Map.of("canary", Map.of("version", file, "percent", 5))).codes())
                .containsExactly("CONFLICT");

        assertThat(alice.call(UPDATE, "name", name, "input", Map.of("canary", Map.of("version", good, "percent", 0))).codes())
                .containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(UPDATE, "name", name, "input", Map.of("canary", Map.of("version", good, "percent", 100))).codes())
                .containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(UPDATE, "name", name, "input", Map.of("canary", Map.of("version", good, "percent", 10))).codes())
                .containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(UPDATE, "name", name, "input", Map.of("clearCanary", true, "canary", Map.of("version", good, "percent", 10)))
                .codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(UPDATE, "name", name, "input", Map.of("alias", "staging", "version", good)).codes())
                .containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(ROLLBACK, "name", name).codes()).containsExactly("CONFLICT");
        assertThat(alice.call(ROLLBACK, "name", unique("nothing")).codes()).containsExactly("NOT_FOUND");
        assertThat(alice.call(DELETE, "name", unique("nothing")).codes()).containsExactly("NOT_FOUND");
        assertThat(GraphQL.as("carol").data(GET, "name", unique("nothing")).getMap("deployment")).isNull();
    }

    @Test
    void dataScientistsAndAdminsChangeDeploymentsAndEveryRoleReads() {
        String model = createModel(unique("roles"));
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));
        String name = unique("roles");
        GraphQL.as("dave").data(CREATE, "name", name, "model", model, "version", version);

        for (String reader : List.of("bob", "carol")) {
            assertThat(GraphQL.as(reader).call(CREATE, "name", unique(reader), "model", model, "version", version).codes())
                    .as(reader).containsExactly("FORBIDDEN");
            assertThat(GraphQL.as(reader).call(ROLLBACK, "name", name).codes()).as(reader).containsExactly("FORBIDDEN");
            assertThat(GraphQL.as(reader).call(DELETE, "name", name).codes()).as(reader).containsExactly("FORBIDDEN");
            assertThat(GraphQL.as(reader).call(UPDATE, "name", name, "input", Map.of("version", version)).codes())
                    .as(reader).containsExactly("FORBIDDEN");
            assertThat(GraphQL.as(reader).data(GET, "name", name).getString("deployment.name")).isEqualTo(name);
        }
        var anonymous = GraphQL.anonymous().call(GET, "name", name);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.codes()).containsExactly("UNAUTHENTICATED");
        assertThat(GraphQL.withToken(dev.lodestar.testing.Tokens.inferenceServer()).call(GET, "name", name).codes())
                .containsExactly("FORBIDDEN");
        assertThat(GraphQL.as("erin").data(DELETE, "name", name).getString("deleteDeployment.name")).isEqualTo(name);
        assertThat(GraphQL.as("carol").data(GET, "name", name).getMap("deployment")).isNull();
    }

    @Test
    void everyChangeIsAuditedInItsTransactionAndHistoryOutlivesTheDeployment() throws SQLException {
        String model = createModel(unique("audited"));
        int v1 = createReadyVersion(model, tribuoModel("churn-logistic"));
        int v2 = createReadyVersion(model, tribuoModel("churn-logistic"));
        String name = unique("audited");
        var alice = GraphQL.as("alice");
        alice.data(CREATE, "name", name, "model", model, "version", v1);
        alice.data(UPDATE, "name", name, "input", Map.of("version", v2));
        alice.call(UPDATE, "name", name, "input", Map.of("canary", Map.of("version", v1, "percent", 0)));
        alice.data(ROLLBACK, "name", name);
        alice.data(DELETE, "name", name);

        List<Map<String, String>> events = audit(name);
        assertThat(events).extracting(e -> e.get("action")).containsExactly("DEPLOYMENT_CREATED", "DEPLOYMENT_UPDATED",
                "DEPLOYMENT_ROLLED_BACK", "DEPLOYMENT_DELETED");
        assertThat(events).extracting(e -> e.get("actor_name")).containsOnly("alice");
        assertThat(events.get(1).get("before")).contains("\"version\": " + v1);
        assertThat(events.get(1).get("after")).contains("\"version\": " + v2).contains("\"previousVersion\": " + v1);
        assertThat(events.get(3).get("after")).isNull();
        assertThat(history(name)).containsExactly("CREATED:" + v1, "UPDATED:" + v2, "ROLLED_BACK:" + v1, "DELETED:null");
    }

    @Test
    void aDeploymentFollowsItsAliasAndKeepsItsVersionWhenTheAliasIsRemoved() {
        String model = createModel(unique("follow"));
        int v1 = createReadyVersion(model, tribuoModel("churn-logistic"));
        int v2 = createReadyVersion(model, tribuoModel("churn-logistic"));
        int file = createReadyVersion(model, "not a tribuo model".getBytes(StandardCharsets.UTF_8));
        var alice = GraphQL.as("alice");
        alice.data(SET_ALIAS, "n", model, "a", "staging", "v", v1);
        String name = unique("follow");
        alice.data(CREATE, "name", name, "model", model, "alias", "staging");

        alice.data(SET_ALIAS, "n", model, "a", "staging", "v", v2);
        var moved = GraphQL.as("carol").data(GET, "name", name);
        assertThat(moved.getInt("deployment.version")).isEqualTo(v2);
        assertThat(moved.getInt("deployment.previousVersion")).isEqualTo(v1);
        assertThat(moved.getString("deployment.history[0].reason")).isEqualTo("ALIAS_MOVED");
        assertThat(moved.getString("deployment.history[0].detail")).contains("staging").contains("to version " + v2);

        var unservable = alice.call(SET_ALIAS, "n", model, "a", "staging", "v", file);
        assertThat(unservable.codes()).containsExactly("CONFLICT");
        assertThat(unservable.message()).contains(name).contains("format FILE");
        assertThat(aliasOf(model, "staging")).isEqualTo(v2);

        alice.data("mutation($n: String!) { deleteAlias(name: $n, alias: \"staging\") { name } }", "n", model);
        var orphaned = GraphQL.as("carol").data(GET, "name", name);
        assertThat(orphaned.getString("deployment.alias")).isEqualTo("staging");
        assertThat(orphaned.getInt("deployment.version")).isEqualTo(v2);
        assertThat(orphaned.getString("deployment.history[0].reason")).isEqualTo("ALIAS_DELETED");

        alice.data(SET_ALIAS, "n", model, "a", "staging", "v", v1);
        assertThat(GraphQL.as("carol").data(GET, "name", name).getInt("deployment.version")).isEqualTo(v1);
    }

    @Test
    void anApprovedPromotionMovesTheDeploymentInTheSameTransaction() throws SQLException {
        String model = createModel(unique("promoted"));
        int v1 = createReadyVersion(model, tribuoModel("churn-logistic"));
        int v2 = createReadyVersion(model, tribuoModel("churn-logistic"));
        GraphQL.as("bob").data(APPROVE, "id", GraphQL.as("alice").data(REQUEST, "name", model, "version", v1)
                .getString("requestPromotion.id"));
        String name = unique("champion");
        var created = GraphQL.as("alice").data(CREATE, "name", name, "model", model).getMap("createDeployment");
        assertThat(created).containsEntry("alias", "champion").containsEntry("version", v1);

        String request = GraphQL.as("alice").data(REQUEST, "name", model, "version", v2).getString("requestPromotion.id");
        assertThat(GraphQL.as("carol").data(GET, "name", name).getInt("deployment.version")).isEqualTo(v1);
        assertThat(GraphQL.as("bob").data(APPROVE, "id", request).getString("approvePromotion.status")).isEqualTo("APPROVED");

        var followed = GraphQL.as("carol").data(GET, "name", name);
        assertThat(followed.getInt("deployment.version")).isEqualTo(v2);
        assertThat(followed.getInt("deployment.previousVersion")).isEqualTo(v1);
        assertThat(followed.getString("deployment.history[0].reason")).isEqualTo("ALIAS_MOVED");
        assertThat(followed.getString("deployment.history[0].actor")).isEqualTo("bob");
        assertThat(followed.getString("deployment.history[0].detail")).contains("promotion request " + request);
        List<Map<String, String>> events = audit(name);
        assertThat(events).extracting(e -> e.get("action")).containsExactly("DEPLOYMENT_CREATED", "DEPLOYMENT_ALIAS_FOLLOWED");
        assertThat(events.get(1)).containsEntry("actor_name", "bob");
        assertThat(events.get(1).get("reason")).contains("promotion request " + request);
        // One transaction: the promotion's approval, the alias move and the deployment's move share one request id.
        assertThat(events.get(1).get("request_id")).isEqualTo(requestIdOf("PROMOTION_APPROVED", request));
    }

    /** A version whose stored bytes changed behind the store's back, so its registration failed. */
    private static int failedVersion(String model) throws IOException {
        var uploaded = upload(unique("weights").getBytes(StandardCharsets.UTF_8));
        String sha = uploaded.getString("sha256");
        Path stored;
        try (var files = Files.walk(Path.of(System.getProperty("lodestar.test.output", "target/test-stack"), "artifacts"))) {
            stored = files.filter(p -> p.getFileName().toString().equals(sha)).findFirst().orElseThrow();
        }
        stored.toFile().setWritable(true);
        Files.writeString(stored, "altered on disk");
        int version = GraphQL.as("alice").data("mutation($n: String!, $a: ID!) { createModelVersion(name: $n, artifactId: $a) { version } }",
                "n", model, "a", uploaded.getString("id")).getInt("createModelVersion.version");
        assertThat(awaitRegistered(model, version)).isEqualTo("FAILED_REGISTRATION");
        return version;
    }

    private static int aliasOf(String model, String alias) {
        JsonPath aliases = GraphQL.as("carol").data("query($n: String!) { registeredModel(name: $n) { aliases { alias version } } }", "n", model);
        List<String> names = aliases.getList("registeredModel.aliases.alias");
        return aliases.getList("registeredModel.aliases.version", Integer.class).get(names.indexOf(alias));
    }

    static List<Map<String, String>> audit(String deployment) throws SQLException {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement("select action, actor_name, before::text as before,"
                + " after::text as after, reason, request_id from audit_event where resource_type = 'DEPLOYMENT' and resource_id = ?"
                + " order by sequence")) {
            query.setString(1, deployment);
            List<Map<String, String>> events = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Map<String, String> event = new java.util.HashMap<>();
                    for (String column : List.of("action", "actor_name", "before", "after", "reason", "request_id")) {
                        event.put(column, rows.getString(column));
                    }
                    events.add(event);
                }
            }
            return events;
        }
    }

    private static String requestIdOf(String action, String resource) throws SQLException {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(
                "select request_id from audit_event where action = ? and resource_id = ?")) {
            query.setString(1, action);
            query.setString(2, resource);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    private static List<String> history(String deployment) throws SQLException {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(
                "select reason, primary_version from deployment_history where deployment_name = ? order by at, id")) {
            query.setString(1, deployment);
            List<String> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1) + ":" + result.getString(2));
                }
            }
            return rows;
        }
    }

    static Connection connect() throws SQLException {
        TestStack.Addresses stack = TestStack.get();
        return DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
    }
}
