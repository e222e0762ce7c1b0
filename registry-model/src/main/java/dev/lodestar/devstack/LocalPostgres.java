package dev.lodestar.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server run from the binaries packaged by zonky, for the local stack and the tests.
 *
 * <p>The data directory is kept between starts, so a stack restarted with the same directory finds its
 * data again. On first start the server gets two login roles and databases: {@value #DATABASE} for
 * Lodestar and {@value #KEYCLOAK_DATABASE} for Keycloak. Production never uses this class: it points
 * Lodestar at an external PostgreSQL through {@code LODESTAR_DB_URL}.
 */
public final class LocalPostgres implements AutoCloseable {

    /** Database, role and password of Lodestar's own schema. */
    public static final String DATABASE = "lodestar";
    /** Database, role and password that Keycloak keeps its realm in. */
    public static final String KEYCLOAK_DATABASE = "keycloak";

    private final EmbeddedPostgres server;

    private LocalPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /**
     * Starts a server on {@code port} (listening on localhost only) over {@code dataDirectory}, creating
     * the cluster when the directory is empty.
     *
     * @param durable false for throw-away test clusters: skips fsync, which makes tests faster and a
     *                crash of the machine lose the cluster
     */
    public static LocalPostgres start(Path dataDirectory, Path binariesDirectory, int port, Path logFile, boolean durable) {
        try {
            Files.createDirectories(dataDirectory);
            Files.createDirectories(binariesDirectory);
            Files.createDirectories(logFile.getParent());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setOverrideWorkingDirectory(binariesDirectory.toFile())
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "256MB")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            if (!durable) {
                builder.setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off");
            }
            LocalPostgres postgres = new LocalPostgres(builder.start());
            postgres.createDatabases();
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start: " + e.getMessage(), e);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return server.getPort();
    }

    /** A JDBC URL for one of the databases of this server, without credentials. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    private void createDatabases() {
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            for (String name : new String[] { DATABASE, KEYCLOAK_DATABASE }) {
                // Names are constants: nothing from outside reaches these statements.
                if (!exists(statement, "select 1 from pg_roles where rolname = '" + name + "'")) {
                    statement.execute("create role " + name + " login password '" + name + "'");
                }
                if (!exists(statement, "select 1 from pg_database where datname = '" + name + "'")) {
                    statement.execute("create database " + name + " owner " + name + " encoding 'UTF8'");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the Lodestar databases: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Statement statement, String query) throws SQLException {
        try (var rows = statement.executeQuery(query)) {
            return rows.next();
        }
    }

    /** True when a server answers on localhost at {@code port} for the Lodestar database. */
    public static boolean accepts(int port) {
        try (Connection ignored = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/" + DATABASE + "?connectTimeout=2", DATABASE, DATABASE)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs a server until the process is asked to stop (SIGTERM); the server's own shutdown hook then
     * stops PostgreSQL cleanly. Arguments: {@code --data DIR --binaries DIR --port N --log FILE}.
     */
    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = Arguments.parse(args);
        LocalPostgres postgres = start(Path.of(options.get("data")), Path.of(options.get("binaries")),
                Integer.parseInt(options.get("port")), Path.of(options.get("log")), true);
        System.out.println("PostgreSQL ready on port " + postgres.port());
        Thread.currentThread().join();
    }
}
