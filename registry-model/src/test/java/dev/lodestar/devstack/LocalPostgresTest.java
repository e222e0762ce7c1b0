package dev.lodestar.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL: a real server whose data outlives a restart, with Lodestar's and Keycloak's databases. */
class LocalPostgresTest {

    @TempDir
    Path data;

    @Test
    void dataSurvivesARestartOnTheSameFolder() throws Exception {
        Path binaries = Path.of(System.getProperty("lodestar.root", "..")).resolve("target/postgres-binaries");
        Path log = data.resolve("postgres.log");
        int port = freePort();
        try (LocalPostgres postgres = LocalPostgres.start(data.resolve("cluster"), binaries, port, log, false);
                Connection db = DriverManager.getConnection(postgres.jdbcUrl(LocalPostgres.DATABASE), "lodestar", "lodestar")) {
            db.createStatement().execute("create table kept (value text)");
            db.createStatement().execute("insert into kept values ('still here')");
        }
        assertThat(LocalPostgres.accepts(port)).isFalse();

        try (LocalPostgres postgres = LocalPostgres.start(data.resolve("cluster"), binaries, port, log, false);
                Connection db = DriverManager.getConnection(postgres.jdbcUrl(LocalPostgres.DATABASE), "lodestar", "lodestar");
                Connection keycloak = DriverManager.getConnection(postgres.jdbcUrl(LocalPostgres.KEYCLOAK_DATABASE), "keycloak", "keycloak");
                ResultSet rows = db.createStatement().executeQuery("select value from kept")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("still here");
            assertThat(keycloak.isValid(2)).isTrue();
            assertThat(LocalPostgres.accepts(port)).isTrue();
        }
        assertThat(Files.readString(log)).contains("database system is ready");
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
