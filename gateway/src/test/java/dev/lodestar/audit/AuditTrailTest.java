package dev.lodestar.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import io.quarkus.test.junit.QuarkusTest;

/** Every change is recorded with who did it, and the record can be neither changed nor removed. */
@QuarkusTest
class AuditTrailTest {

    @Test
    void aCreationIsRecordedWithItsActorRolesAndContent() throws SQLException {
        String name = Fixtures.unique("audited");
        String id = Fixtures.createExperiment(name);

        List<Map<String, Object>> events = events("EXPERIMENT", id);

        assertThat(events).hasSize(1);
        assertThat(events.get(0)).containsEntry("action", "EXPERIMENT_CREATED").containsEntry("actor_name", "alice");
        assertThat((String) events.get(0).get("actor_roles")).contains("data-scientist");
        assertThat((String) events.get(0).get("after")).contains(name);
        assertThat(events.get(0).get("request_id")).isNotNull();
    }

    @Test
    void aRefusedChangeLeavesNoRecordAndAnAcceptedOneLeavesExactlyOne() throws SQLException {
        String id = Fixtures.createExperiment(Fixtures.unique("refusals"));
        String rename = "mutation($id: ID!, $name: String!) { renameExperiment(id: $id, name: $name) { id } }";

        GraphQL.as("carol").call(rename, "id", id, "name", "by-carol");
        GraphQL.as("alice").call(rename, "id", id, "name", "");
        GraphQL.as("alice").data(rename, "id", id, "name", Fixtures.unique("renamed"));

        assertThat(events("EXPERIMENT", id)).extracting(e -> e.get("action"))
                .containsExactly("EXPERIMENT_CREATED", "EXPERIMENT_RENAMED");
    }

    @Test
    void theDatabaseRefusesToChangeOrRemoveRecords() throws SQLException {
        String id = Fixtures.createExperiment(Fixtures.unique("tamper"));
        try (Connection db = connect()) {
            assertThatThrownBy(() -> db.createStatement().executeUpdate(
                    "update audit_event set actor_name = 'mallory' where resource_id = '" + id + "'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> db.createStatement().executeUpdate("delete from audit_event where resource_id = '" + id + "'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> db.createStatement().executeUpdate("truncate audit_event, audit_seal"))
                    .hasMessageContaining("append-only");
        }
        assertThat(events("EXPERIMENT", id)).extracting(e -> e.get("actor_name")).containsExactly("alice");
    }

    static List<Map<String, Object>> events(String type, String id) throws SQLException {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(
                "select action, actor_name, array_to_string(actor_roles, ',') as actor_roles, after::text as after, request_id"
                        + " from audit_event where resource_type = ? and resource_id = ? order by sequence")) {
            query.setString(1, type);
            query.setString(2, id);
            List<Map<String, Object>> events = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Map<String, Object> event = new java.util.HashMap<>();
                    for (String column : List.of("action", "actor_name", "actor_roles", "after", "request_id")) {
                        event.put(column, rows.getString(column));
                    }
                    events.add(event);
                }
            }
            return events;
        }
    }

    private static Connection connect() throws SQLException {
        TestStack.Addresses stack = TestStack.get();
        return DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
    }
}
