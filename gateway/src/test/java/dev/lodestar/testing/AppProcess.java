package dev.lodestar.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.lodestar.devstack.TestStack;

/**
 * A packaged Lodestar application (gateway or inference server) run as a process of its own against the test
 * stack's PostgreSQL and Keycloak, so a test can run several replicas side by side, stop them, kill them with
 * SIGKILL and start them again with the same settings.
 *
 * <p>Output goes to {@code target/processes/NAME.log} (appended across restarts); a process that does not
 * become ready names its log in the failure.
 */
public final class AppProcess implements AutoCloseable {

    private static final Path GATEWAY_JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Path INFERENCE_JAR = Path.of("../inference-grpc/target/inference-grpc.jar");
    private static final Path LOGS = Path.of(System.getProperty("lodestar.test.output", "target/test-stack"))
            .resolveSibling("processes");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Where a process keeps its data: a database on the test stack's PostgreSQL server. */
    public record Database(String jdbcUrl, String user, String password) {

        /**
         * A new, empty database named {@code name} (dropped first if a previous run left it), owned by the Lodestar
         * role, on the test stack's server: processes sharing it share one truth, and nothing else touches it.
         */
        public static Database fresh(String name) {
            if (!name.matches("[a-z][a-z0-9_]{0,40}")) {
                throw new IllegalArgumentException("not a plain database name: " + name);
            }
            TestStack.Addresses stack = TestStack.get();
            String server = stack.jdbcUrl().substring(0, stack.jdbcUrl().lastIndexOf('/'));
            try (Connection connection = DriverManager.getConnection(server + "/postgres", "postgres", "");
                    Statement statement = connection.createStatement()) {
                statement.execute("drop database if exists " + name + " with (force)");
                statement.execute("create database " + name + " owner " + stack.dbUser() + " encoding 'UTF8'");
            } catch (SQLException e) {
                throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
            }
            return new Database(server + "/" + name, stack.dbUser(), stack.dbPassword());
        }

        /** The same database reached on another server port (a PostgreSQL the test runs itself). */
        public static Database on(String jdbcUrl, String user, String password) {
            return new Database(jdbcUrl, user, password);
        }
    }

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final String readyUrl;
    private final Path log;
    private Process process;

    private AppProcess(String name, List<String> command, Map<String, String> environment, String readyUrl) {
        this.name = name;
        this.command = command;
        this.environment = environment;
        this.readyUrl = readyUrl;
        this.log = LOGS.resolve(name + ".log").toAbsolutePath();
    }

    /**
     * A gateway on {@code port} over {@code database}, sharing the artifact directory and admin form key with the
     * other gateways a test builds with the same values. {@code extra} adds or overrides environment variables.
     */
    public static AppProcess gateway(String name, int port, Database database, Path artifacts, String formKey,
            Map<String, String> extra) {
        TestStack.Addresses stack = TestStack.get();
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("LODESTAR_GATEWAY_PORT", Integer.toString(port));
        env.put("LODESTAR_DB_URL", database.jdbcUrl());
        env.put("LODESTAR_DB_USER", database.user());
        env.put("LODESTAR_DB_PASSWORD", database.password());
        env.put("LODESTAR_OIDC_ISSUER", stack.issuer());
        env.put("LODESTAR_GATEWAY_CLIENT_SECRET", stack.gatewaySecret());
        env.put("LODESTAR_ARTIFACTS_DIR", artifacts.toAbsolutePath().toString());
        env.put("LODESTAR_ADMIN_FORM_KEY", formKey);
        env.putAll(extra);
        List<String> command = List.of(java(), "-Xmx512m", "-XX:+UseSerialGC", "-Dlodestar.component=" + name,
                "-jar", GATEWAY_JAR.toAbsolutePath().toString());
        return new AppProcess(name, command, env, "http://127.0.0.1:" + port + "/q/health/ready");
    }

    /**
     * An inference server answering gRPC on {@code grpcPort}, following the desired state of the gateway at
     * {@code gatewayUrl} as client {@code lodestar-inference}, with its own artifact cache.
     */
    public static AppProcess inference(String name, int grpcPort, int managementPort, String gatewayUrl, Path cache,
            Map<String, String> extra) {
        TestStack.Addresses stack = TestStack.get();
        Map<String, String> env = new HashMap<>();
        env.put("LODESTAR_GRPC_HOST", "127.0.0.1");
        env.put("LODESTAR_GRPC_PORT", Integer.toString(grpcPort));
        env.put("LODESTAR_INFERENCE_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("LODESTAR_OIDC_ISSUER", stack.issuer());
        env.put("LODESTAR_GATEWAY_URL", gatewayUrl);
        env.put("LODESTAR_INFERENCE_CLIENT_SECRET", stack.inferenceSecret());
        env.put("LODESTAR_SERVING_POLL", "1s");
        env.put("LODESTAR_REPLICA_ID", name);
        env.put("LODESTAR_INFERENCE_CACHE_DIR", cache.toAbsolutePath().toString());
        env.putAll(extra);
        List<String> command = List.of(java(), "-Xmx384m", "-XX:+UseSerialGC", "-Dlodestar.component=" + name,
                "-jar", INFERENCE_JAR.toAbsolutePath().toString());
        return new AppProcess(name, command, env, "http://127.0.0.1:" + managementPort + "/q/health/ready");
    }

    /** A free TCP port on this machine. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The name the process was given (also its log's name and, for inference servers, its replica id). */
    public String name() {
        return name;
    }

    /** Starts the process; it must not be running. */
    public AppProcess start() {
        if (alive()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "---- start " + Instant.now() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        return this;
    }

    /** Starts the process and waits until its readiness endpoint answers 200. */
    public AppProcess startReady(Duration timeout) {
        return start().awaitReady(timeout);
    }

    /** Waits until the readiness endpoint answers 200; fails naming the log if the process dies or time runs out. */
    public AppProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready()) {
            if (!alive()) {
                throw new IllegalStateException(name + " stopped during start-up; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " was not ready after " + timeout.toSeconds() + " s; see " + log);
            }
            sleep(200);
        }
        return this;
    }

    /** True when the readiness endpoint answers 200 now. */
    public boolean ready() {
        return status(readyUrl) == 200;
    }

    /** The HTTP status of the readiness endpoint, or -1 when nothing answers. */
    public int readiness() {
        return status(readyUrl);
    }

    /** The operating system's id of the running process. */
    public long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was not started");
        }
        return process.pid();
    }

    /** True while the process runs. */
    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the process gets no chance to finish anything. Returns when it is gone. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(30));
        }
    }

    /** SIGTERM, then SIGKILL if it has not stopped within {@code grace}. */
    public void stop(Duration grace) {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitForExit(grace)) {
                kill();
            }
        }
    }

    /** The log file the process writes to. */
    public Path log() {
        return log;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int status(String url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
