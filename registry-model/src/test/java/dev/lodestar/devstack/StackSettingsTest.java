package dev.lodestar.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** What {@code ./lodestar up} makes of the LODESTAR_* environment. */
class StackSettingsTest {

    static final Path HOME = Path.of(System.getProperty("lodestar.root", "..")).toAbsolutePath().normalize();

    @Test
    void defaultsAreTheDocumentedPortsAndAnEmbeddedDatabaseAndKeycloak() {
        StackSettings settings = StackSettings.read(HOME, Map.of());

        assertThat(settings.gatewayPort()).isEqualTo(8080);
        assertThat(settings.grpcPort()).isEqualTo(9090);
        assertThat(settings.keycloakPort()).isEqualTo(8180);
        assertThat(settings.keycloakManagementPort()).isEqualTo(9190);
        assertThat(settings.dbPort()).isEqualTo(5433);
        assertThat(settings.data()).isEqualTo(HOME.resolve("data"));
        assertThat(settings.embeddedPostgres()).isTrue();
        assertThat(settings.issuer()).isEqualTo("http://localhost:8180/realms/lodestar");
        assertThat(settings.lodestarDatabase().jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5433/lodestar");
        assertThat(settings.predictorClientSecret()).isNotBlank();
        assertThat(settings.inferenceClientSecret()).isNotBlank();
    }

    @Test
    void everyPortMovesWithItsVariable() {
        StackSettings settings = StackSettings.read(HOME, Map.of("LODESTAR_GATEWAY_PORT", "18080", "LODESTAR_GRPC_PORT", "19090",
                "LODESTAR_KEYCLOAK_PORT", "18180", "LODESTAR_KEYCLOAK_MANAGEMENT_PORT", "19190", "LODESTAR_DB_PORT", "15433",
                "LODESTAR_INFERENCE_MANAGEMENT_PORT", "19091"));

        assertThat(settings.gatewayUrl()).isEqualTo("http://localhost:18080");
        assertThat(settings.grpcPort()).isEqualTo(19090);
        assertThat(settings.inferenceManagementPort()).isEqualTo(19091);
        assertThat(settings.issuer()).isEqualTo("http://localhost:18180/realms/lodestar");
        assertThat(settings.keycloakManagementPort()).isEqualTo(19190);
        assertThat(settings.lodestarDatabase().jdbcUrl()).contains(":15433/");
    }

    @Test
    void badValuesAreNamedWithTheirVariable() {
        assertThatThrownBy(() -> StackSettings.read(HOME, Map.of("LODESTAR_GATEWAY_PORT", "eighty")))
                .hasMessage("LODESTAR_GATEWAY_PORT must be a port number between 1 and 65535, got 'eighty'");
        assertThatThrownBy(() -> StackSettings.read(HOME, Map.of("LODESTAR_DB_PORT", "70000")))
                .hasMessageStartingWith("LODESTAR_DB_PORT must be a port number");
        assertThatThrownBy(() -> StackSettings.read(HOME, Map.of("LODESTAR_DB_URL", "jdbc:postgresql://db:5432/lodestar")))
                .hasMessage("LODESTAR_DB_USER must be set when LODESTAR_DB_URL is set");
        assertThatThrownBy(() -> StackSettings.read(HOME, Map.of("LODESTAR_DB_URL", "jdbc:mysql://db/lodestar",
                "LODESTAR_DB_USER", "u", "LODESTAR_DB_PASSWORD", "p")))
                .hasMessageContaining("PostgreSQL JDBC URL");
        assertThatThrownBy(() -> StackSettings.read(HOME, Map.of("LODESTAR_OIDC_ISSUER", "https://sso.example.com/realms/lodestar")))
                .hasMessage("LODESTAR_GATEWAY_CLIENT_SECRET must be set when LODESTAR_OIDC_ISSUER is set");
    }

    @Test
    void externalDatabaseAndKeycloakReplaceTheEmbeddedOnes() {
        Map<String, String> env = Map.of("LODESTAR_DB_URL", "jdbc:postgresql://db.internal:5432/lodestar",
                "LODESTAR_DB_USER", "lodestar", "LODESTAR_DB_PASSWORD", "s3cret",
                "LODESTAR_OIDC_ISSUER", "https://sso.example.com/realms/lodestar", "LODESTAR_GATEWAY_CLIENT_SECRET", "gw");

        StackSettings settings = StackSettings.read(HOME, env);

        assertThat(settings.embeddedPostgres()).isFalse();
        assertThat(settings.lodestarDatabase().jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/lodestar");
        assertThat(settings.issuer()).isEqualTo("https://sso.example.com/realms/lodestar");
        assertThat(settings.gatewayClientSecret()).isEqualTo("gw");
    }

    @Test
    void anExternalDatabaseWithALocalKeycloakStillRunsPostgresForKeycloak() {
        StackSettings settings = StackSettings.read(HOME, Map.of("LODESTAR_DB_URL", "jdbc:postgresql://db:5432/lodestar",
                "LODESTAR_DB_USER", "u", "LODESTAR_DB_PASSWORD", "p"));

        assertThat(settings.embeddedPostgres()).isTrue();
    }
}
