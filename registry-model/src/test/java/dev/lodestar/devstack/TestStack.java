package dev.lodestar.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL and a real Keycloak for the tests of one JVM, started on first use and stopped when the
 * JVM exits.
 *
 * <p>Test frameworks may load this class more than once (Quarkus gives each application start its own class
 * loader), so what the stack is lives in JVM-wide system properties rather than in static fields: the first
 * caller starts the servers and records their addresses, later callers read them back.
 *
 * <p>System properties read: {@code lodestar.root} (the checkout; default: the working directory's parent)
 * and {@code lodestar.test.output} (logs and data; default {@code target/test-stack}).
 */
public final class TestStack {

    private static final String PREFIX = "lodestar.test.stack.";

    private TestStack() {
    }

    /**
     * What the tests connect to.
     *
     * @param jdbcUrl      the Lodestar database
     * @param dbUser       its user
     * @param dbPassword   its password
     * @param issuer       issuer URL of the {@code lodestar} realm
     * @param gatewayPort  the HTTP port the gateway under test must use (the realm's redirect URIs name it)
     * @param gatewaySecret secret of the {@code lodestar-gateway} client
     * @param predictorSecret secret of the {@code lodestar-predictor} client
     * @param inferenceSecret secret of the {@code lodestar-inference} client
     */
    public record Addresses(String jdbcUrl, String dbUser, String dbPassword, String issuer, int gatewayPort,
            String gatewaySecret, String predictorSecret, String inferenceSecret) {

        /** The token endpoint of the realm. */
        public String tokenUrl() {
            return issuer + "/protocol/openid-connect/token";
        }
    }

    /** The stack of this JVM, started now if it is not running yet. */
    public static Addresses get() {
        synchronized (System.getProperties()) {
            if (System.getProperty(PREFIX + "issuer") == null) {
                start();
            }
            return new Addresses(property("jdbc-url"), LocalPostgres.DATABASE, LocalPostgres.DATABASE,
                    property("issuer"), Integer.parseInt(property("gateway-port")), property("gateway-secret"),
                    property("predictor-secret"), property("inference-secret"));
        }
    }

    private static void start() {
        Path root = Path.of(System.getProperty("lodestar.root", "..")).toAbsolutePath().normalize();
        Path output = Path.of(System.getProperty("lodestar.test.output", "target/test-stack")).toAbsolutePath();
        Path data;
        try {
            Files.createDirectories(output);
            data = Files.createTempDirectory(output, "postgres-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalPostgres postgres = LocalPostgres.start(data, root.resolve("target/postgres-binaries"), freePort(),
                output.resolve("postgres.log"), false);

        int gatewayPort = freePort();
        LocalKeycloak.Settings settings = new LocalKeycloak.Settings(
                LocalKeycloak.install(root.resolve("target/keycloak")), freePort(), freePort(),
                postgres.jdbcUrl(LocalPostgres.KEYCLOAK_DATABASE), LocalPostgres.KEYCLOAK_DATABASE,
                LocalPostgres.KEYCLOAK_DATABASE, root.resolve(RealmFile.LOCATION), "http://localhost:" + gatewayPort);
        Process keycloak;
        try {
            keycloak = LocalKeycloak.process(settings)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(output.resolve("keycloak.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Keycloak", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            keycloak.destroy();
            try {
                keycloak.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            keycloak.destroyForcibly();
            postgres.close();
        }, "test-stack-stop"));
        Readiness.await("Keycloak", () -> Readiness.answers(settings.readinessUrl()), keycloak::isAlive,
                Duration.ofMinutes(4), output.resolve("keycloak.log"));

        RealmFile realm = RealmFile.of(root);
        Map<String, String> env = System.getenv();
        System.setProperty(PREFIX + "jdbc-url", postgres.jdbcUrl(LocalPostgres.DATABASE));
        System.setProperty(PREFIX + "gateway-port", Integer.toString(gatewayPort));
        System.setProperty(PREFIX + "gateway-secret", realm.clientSecret(RealmFile.GATEWAY_CLIENT, env));
        System.setProperty(PREFIX + "predictor-secret", realm.clientSecret(RealmFile.PREDICTOR_CLIENT, env));
        System.setProperty(PREFIX + "inference-secret", realm.clientSecret(RealmFile.INFERENCE_CLIENT, env));
        System.setProperty(PREFIX + "issuer", settings.issuer());
    }

    private static String property(String name) {
        return System.getProperty(PREFIX + name);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
