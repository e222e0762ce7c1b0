package dev.lodestar.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The realm every part of Lodestar imports: its roles, demo users and clients. */
class RealmFileTest {

    static final Path HOME = Path.of(System.getProperty("lodestar.root", "..")).toAbsolutePath().normalize();

    @Test
    void demoUsersHaveTheDocumentedRoles() {
        Map<String, List<String>> users = RealmFile.of(HOME).demoUsers();

        assertThat(users).containsOnlyKeys("alice", "bob", "carol", "dave", "erin");
        assertThat(users.get("alice")).containsExactly("data-scientist");
        assertThat(users.get("bob")).containsExactly("approver");
        assertThat(users.get("carol")).containsExactly("auditor");
        assertThat(users.get("dave")).containsExactly("admin");
        assertThat(users.get("erin")).containsExactlyInAnyOrder("data-scientist", "approver");
    }

    @Test
    void clientSecretsComeFromTheEnvironmentWhenSet() {
        RealmFile realm = RealmFile.of(HOME);

        assertThat(realm.clientSecret(RealmFile.PREDICTOR_CLIENT, Map.of("LODESTAR_PREDICTOR_CLIENT_SECRET", "from-env")))
                .isEqualTo("from-env");
        assertThat(realm.clientSecret(RealmFile.PREDICTOR_CLIENT, Map.of())).isNotBlank().isNotEqualTo("from-env");
    }

    @Test
    void clientsAreConfiguredForTheirUse() throws Exception {
        JsonNode realm = new ObjectMapper().readTree(HOME.resolve(RealmFile.LOCATION).toFile());
        Map<String, JsonNode> clients = new java.util.HashMap<>();
        realm.path("clients").forEach(c -> clients.put(c.path("clientId").asText(), c));
        List<String> roles = new java.util.ArrayList<>();
        realm.path("roles").path("realm").forEach(r -> roles.add(r.path("name").asText()));

        assertThat(roles).containsExactlyInAnyOrder("data-scientist", "approver", "auditor", "admin", "predictor",
                "inference-server", "lineage-producer");
        assertThat(clients.get("lodestar-cli").path("publicClient").asBoolean()).isTrue();
        assertThat(clients.get("lodestar-cli").path("directAccessGrantsEnabled").asBoolean()).isTrue();
        assertThat(clients.get("lodestar-gateway").path("publicClient").asBoolean()).isFalse();
        assertThat(clients.get("lodestar-gateway").path("standardFlowEnabled").asBoolean()).isTrue();
        assertThat(clients.get("lodestar-gateway").path("serviceAccountsEnabled").asBoolean()).isTrue();
        assertThat(clients.get("lodestar-predictor").path("serviceAccountsEnabled").asBoolean()).isTrue();
        assertThat(clients.get("lodestar-predictor").path("standardFlowEnabled").asBoolean()).isFalse();
        assertThat(clients.get("lodestar-inference").path("serviceAccountsEnabled").asBoolean()).isTrue();
        assertThat(clients.get("lodestar-inference").path("standardFlowEnabled").asBoolean()).isFalse();
        assertThat(clients.get("lodestar-inference").path("secret").asText()).startsWith("${LODESTAR_INFERENCE_CLIENT_SECRET:");
        assertThat(clients.get("lodestar-lineage").path("serviceAccountsEnabled").asBoolean()).isTrue();
        assertThat(clients.get("lodestar-lineage").path("standardFlowEnabled").asBoolean()).isFalse();
        assertThat(clients.get("lodestar-lineage").path("secret").asText()).startsWith("${LODESTAR_LINEAGE_CLIENT_SECRET:");
        for (JsonNode client : clients.values()) {
            assertThat(client.path("protocolMappers").toString()).as(client.path("clientId").asText())
                    .contains("\"included.custom.audience\":\"lodestar\"");
        }
    }
}
