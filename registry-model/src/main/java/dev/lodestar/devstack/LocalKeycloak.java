package dev.lodestar.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Installs and starts a real Keycloak from the {@code org.keycloak:keycloak-quarkus-dist} zip that Maven
 * fetched into the local repository, with Lodestar's realm file and its realm kept in PostgreSQL.
 *
 * <p>The launcher and the tests start Keycloak through this one class, so both run the same
 * distribution, options and realm.
 */
public final class LocalKeycloak {

    /** Master realm administrator of a local Keycloak (never used for a production Keycloak). */
    public static final String BOOTSTRAP_ADMIN = "admin";

    private LocalKeycloak() {
    }

    /**
     * Where and how one Keycloak runs.
     *
     * @param home          the unpacked distribution (see {@link #install(Path)})
     * @param httpPort      port of the realm endpoints (issuer {@code http://localhost:httpPort/realms/lodestar})
     * @param managementPort port of {@code /health/ready}
     * @param dbJdbcUrl     JDBC URL of the PostgreSQL database Keycloak stores its realms in
     * @param dbUser        user of that database
     * @param dbPassword    password of that database
     * @param realmFile     the realm to import when it does not exist yet
     * @param gatewayUrl    base URL of the gateway, for the admin login's redirect URIs
     */
    public record Settings(Path home, int httpPort, int managementPort, String dbJdbcUrl, String dbUser,
            String dbPassword, Path realmFile, String gatewayUrl) {

        /** The issuer of tokens of the {@code lodestar} realm on this Keycloak. */
        public String issuer() {
            return "http://localhost:" + httpPort + "/realms/lodestar";
        }

        /** The readiness endpoint. */
        public String readinessUrl() {
            return "http://localhost:" + managementPort + "/health/ready";
        }
    }

    /** The Keycloak version the build resolved. */
    public static String version() {
        return buildProperties().getProperty("keycloak.version");
    }

    /**
     * Unpacks the distribution under {@code parent} unless it is already there, and returns its home.
     * Unpacking goes to a temporary folder first, so an interrupted install is never taken for a finished one.
     */
    public static Path install(Path parent) {
        Path home = parent.resolve("keycloak-" + version());
        if (Files.isExecutable(home.resolve("bin/kc.sh"))) {
            return home;
        }
        Path zip = Path.of(buildProperties().getProperty("keycloak.zip"));
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("the Keycloak distribution " + zip
                    + " is missing from the local Maven repository: run ./mvnw -DskipTests package");
        }
        try {
            Files.createDirectories(parent);
            Path staging = Files.createTempDirectory(parent, "unpacking-");
            unzip(zip, staging);
            try (Stream<Path> scripts = Files.list(staging.resolve(home.getFileName()).resolve("bin"))) {
                for (Path script : scripts.filter(p -> p.toString().endsWith(".sh")).toList()) {
                    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            Files.move(staging.resolve(home.getFileName()), home, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(staging);
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("could not unpack Keycloak from " + zip + ": " + e.getMessage(), e);
        }
    }

    /**
     * Builds the process that runs Keycloak with {@code settings}; the caller decides how to start and own it
     * and where its output goes.
     * The process carries {@code -Dlodestar.component=keycloak} so it can be told apart from others.
     */
    public static ProcessBuilder process(Settings settings) {
        try {
            Path importDir = settings.home().resolve("data/import");
            Files.createDirectories(importDir);
            Files.copy(settings.realmFile(), importDir.resolve("lodestar-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(
                settings.home().resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + settings.httpPort(),
                "--http-management-port=" + settings.managementPort(),
                "--health-enabled=true",
                "--import-realm",
                "--db=postgres",
                "--db-url=" + settings.dbJdbcUrl(),
                "--db-username=" + settings.dbUser(),
                "--db-password=" + settings.dbPassword(),
                "--db-pool-max-size=20",
                "--log-level=WARN,org.keycloak.services:INFO,io.quarkus:INFO"));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", BOOTSTRAP_ADMIN);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", BOOTSTRAP_ADMIN);
        env.put("LODESTAR_GATEWAY_URL", settings.gatewayUrl());
        env.put("JAVA_OPTS_APPEND", "-Dlodestar.component=keycloak");
        return builder;
    }

    private static void unzip(Path zip, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null;) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry escapes the target folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(entries, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static Properties buildProperties() {
        try (InputStream in = LocalKeycloak.class.getResourceAsStream("devstack.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
