package dev.lodestar.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.KeycloakRealm;
import dev.lodestar.testing.LodestarStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * An admin manages roles in the admin, against the real Keycloak: grants and revocations reach the realm, each
 * one is in the audit trail, the new role works at the user's next login, and the last admin stays an admin.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class RolePagesBrowserIT {

    private static final String AUDIT = """
            query($id: String!) {
              auditEvents(filter: {resourceType: "USER", resourceId: $id}) { edges { node { action actor } } }
            }""";

    @Test
    void anAdminGrantsAndRevokesARoleAndEveryChangeIsAudited() {
        String user = Fixtures.unique("newcomer");
        String id = KeycloakRealm.createUserWithoutRoles(user);
        try (Browser dave = Browser.start(base())) {
            dave.loginAndOpen("dave", "/admin/roles?q=" + user);
            assertThat(dave.all("#users tbody tr")).hasSize(1);
            dave.press(cell(user, "auditor") + " button");
            assertThat(dave.one("#done").getText()).contains(user + " holds auditor");
            assertThat(KeycloakRealm.realmRolesOf(id)).contains("auditor");

            try (Browser newcomer = Browser.start(base())) {
                newcomer.loginAndOpen(user, "/admin/audit");
                assertThat(newcomer.one("main h1").getText()).isEqualTo("Audit trail");
            }

            dave.open("/admin/roles?q=" + user).press(cell(user, "auditor") + " button");
            assertThat(dave.one("#done").getText()).contains(user + " no longer holds auditor");
            assertThat(KeycloakRealm.realmRolesOf(id)).doesNotContain("auditor");
        }
        assertThat(GraphQL.as("carol").data(AUDIT, "id", user).getList("auditEvents.edges.node.action"))
                .containsExactly("ROLE_REVOKED", "ROLE_GRANTED");
        assertThat(GraphQL.as("carol").data(AUDIT, "id", user).getList("auditEvents.edges.node.actor")).containsOnly("dave");
    }

    @Test
    void theLastAdminCannotBeRemoved() {
        try (Browser dave = Browser.start(base())) {
            dave.loginAndOpen("dave", "/admin/roles?q=dave");
            WebElement admin = dave.one(cell("dave", "admin") + " button");
            assertThat(admin.getText()).contains("revoke");
            dave.press(cell("dave", "admin") + " button");
            assertThat(dave.text()).contains("dave is the last admin");
            dave.open("/admin/roles?q=dave");
            assertThat(dave.one(cell("dave", "admin") + " button").getText()).contains("revoke");
        }
    }

    @Test
    void aForgedRoleChangeIsRefused() {
        try (Browser dave = Browser.start(base())) {
            dave.loginAndOpen("dave", "/admin/roles?q=bob");
            String bob = dave.one("#users tbody tr[data-user=bob] td.role form").getAttribute("action");
            String path = bob.substring(bob.indexOf("/admin/roles/"), bob.lastIndexOf('/'));
            dave.post(path + "/grant", Map.of("csrf", "forged", "role", "admin"));
            assertThat(dave.text()).contains("not issued to you");
        }
    }

    private static String cell(String user, String role) {
        return "#users tbody tr[data-user='" + user + "'] td[data-role='" + role + "']";
    }

    static String base() {
        return "http://localhost:" + TestStack.get().gatewayPort();
    }
}
