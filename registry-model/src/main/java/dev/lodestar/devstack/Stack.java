package dev.lodestar.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@code ./lodestar up | down | status}: runs the whole stack on this machine, each part as a process of its
 * own under {@code ./data}, and writes {@code data/stack.env} so scripts can find every part.
 *
 * <p>{@code up} starts what does not run yet, in dependency order (PostgreSQL, Keycloak, then the inference
 * server and the gateway), waiting for each to be ready. If anything fails it stops what this invocation
 * started and prints one line naming the cause and the log file.
 */
public final class Stack {

    private static final String INFERENCE_JAR = "inference-grpc/target/inference-grpc.jar";
    private static final String GATEWAY_JAR = "gateway/target/quarkus-app/quarkus-run.jar";

    private final StackSettings settings;
    private final Path java;

    private Stack(StackSettings settings) {
        this.settings = settings;
        this.java = ProcessHandle.current().info().command().map(Path::of).orElse(Path.of("java"));
    }

    /** A step of {@code up} failed; the message is the one line the user sees. */
    private static final class StartFailure extends RuntimeException {
        StartFailure(String message) {
            super(message);
        }
    }

    /** A port a component listens on, with the variable that moves it. */
    private record Port(int number, String variable, String purpose) {
    }

    /**
     * A part of the stack: its process, the ports it needs, how to tell it is ready, and for Lodestar's own
     * applications the built artifact it runs (a process older than its artifact runs a stale build).
     */
    private record Component(StackProcess process, List<Port> ports, Duration startTimeout, BooleanSupplier ready,
            ProcessBuilderFactory command, Path artifact) {
        String name() {
            return process.name();
        }

        boolean staleIn(ProcessHandle handle) {
            if (artifact == null || !Files.exists(artifact)) {
                return false;
            }
            try {
                Instant built = Files.getLastModifiedTime(artifact).toInstant();
                return handle.info().startInstant().map(started -> started.isBefore(built)).orElse(false);
            } catch (IOException e) {
                return false;
            }
        }
    }

    @FunctionalInterface
    private interface ProcessBuilderFactory {
        ProcessBuilder create();
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("lodestar.home", ".")).toAbsolutePath().normalize();
        String command = args.length == 0 ? "" : args[0];
        try {
            Stack stack = new Stack(StackSettings.read(home, System.getenv()));
            int exit = switch (command) {
                case "up" -> stack.up();
                case "down" -> stack.down();
                case "status" -> stack.status();
                default -> {
                    System.err.println("usage: lodestar up | down | status");
                    yield 2;
                }
            };
            System.exit(exit);
        } catch (StackSettings.InvalidSetting e) {
            System.err.println("lodestar: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Every process the stack may run, in start order, whatever the current settings start. */
    private Map<String, StackProcess> processes() {
        Path data = settings.data();
        Map<String, StackProcess> processes = new LinkedHashMap<>();
        processes.put("postgres", new StackProcess("postgres", data));
        // kc.sh runs a build step before it becomes Keycloak's JVM: recognise both by the installation path.
        processes.put("keycloak", new StackProcess("keycloak", data,
                data.resolve("keycloak").resolve("keycloak-" + LocalKeycloak.version()).toString()));
        processes.put("inference", new StackProcess("inference", data));
        processes.put("gateway", new StackProcess("gateway", data));
        return processes;
    }

    private List<Component> components() {
        List<Component> components = new ArrayList<>();
        Path data = settings.data();
        Map<String, StackProcess> processes = processes();
        if (settings.embeddedPostgres()) {
            StackProcess process = processes.get("postgres");
            components.add(new Component(process,
                    List.of(new Port(settings.dbPort(), "LODESTAR_DB_PORT", "PostgreSQL")),
                    Duration.ofSeconds(90), () -> LocalPostgres.accepts(settings.dbPort()),
                    () -> javaProcess(process, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                            LocalPostgres.class.getName(),
                            "--data", data.resolve("postgres").toString(),
                            "--binaries", data.resolve("postgres-binaries").toString(),
                            "--port", Integer.toString(settings.dbPort()),
                            "--log", data.resolve("logs/postgres-server.log").toString()), null));
        }
        if (settings.externalIssuer().isEmpty()) {
            StackProcess process = processes.get("keycloak");
            LocalKeycloak.Settings keycloak = new LocalKeycloak.Settings(data.resolve("keycloak"),
                    settings.keycloakPort(), settings.keycloakManagementPort(),
                    "jdbc:postgresql://localhost:" + settings.dbPort() + "/" + LocalPostgres.KEYCLOAK_DATABASE,
                    LocalPostgres.KEYCLOAK_DATABASE, LocalPostgres.KEYCLOAK_DATABASE,
                    settings.home().resolve(RealmFile.LOCATION), settings.gatewayUrl());
            components.add(new Component(process,
                    List.of(new Port(settings.keycloakPort(), "LODESTAR_KEYCLOAK_PORT", "Keycloak HTTP"),
                            new Port(settings.keycloakManagementPort(), "LODESTAR_KEYCLOAK_MANAGEMENT_PORT",
                                    "Keycloak management")),
                    Duration.ofSeconds(240), () -> Readiness.answers(keycloak.readinessUrl()),
                    () -> {
                        LocalKeycloak.Settings installed = new LocalKeycloak.Settings(
                                LocalKeycloak.install(data.resolve("keycloak")), keycloak.httpPort(),
                                keycloak.managementPort(), keycloak.dbJdbcUrl(), keycloak.dbUser(),
                                keycloak.dbPassword(), keycloak.realmFile(), keycloak.gatewayUrl());
                        ProcessBuilder builder = LocalKeycloak.process(installed);
                        builder.environment().put("LODESTAR_GATEWAY_CLIENT_SECRET", settings.gatewayClientSecret());
                        builder.environment().put("LODESTAR_PREDICTOR_CLIENT_SECRET", settings.predictorClientSecret());
                        builder.environment().put("LODESTAR_INFERENCE_CLIENT_SECRET", settings.inferenceClientSecret());
                        return builder;
                    }, null));
        }
        StackProcess inference = processes.get("inference");
        components.add(new Component(inference,
                List.of(new Port(settings.grpcPort(), "LODESTAR_GRPC_PORT", "inference gRPC"),
                        new Port(settings.inferenceManagementPort(), "LODESTAR_INFERENCE_MANAGEMENT_PORT",
                                "inference management")),
                Duration.ofSeconds(60),
                () -> Readiness.answers("http://localhost:" + settings.inferenceManagementPort() + "/q/health/ready"),
                () -> {
                    ProcessBuilder builder = javaProcess(inference, "-Xmx512m", "-jar",
                            built(INFERENCE_JAR).toString());
                    Map<String, String> env = builder.environment();
                    env.put("LODESTAR_GRPC_HOST", "127.0.0.1");
                    env.put("LODESTAR_GRPC_PORT", Integer.toString(settings.grpcPort()));
                    env.put("LODESTAR_INFERENCE_MANAGEMENT_PORT", Integer.toString(settings.inferenceManagementPort()));
                    env.put("LODESTAR_OIDC_ISSUER", settings.issuer());
                    // Desired state and artifacts come from the gateway, as client lodestar-inference.
                    env.put("LODESTAR_GATEWAY_URL", settings.gatewayUrl());
                    env.put("LODESTAR_INFERENCE_CLIENT_SECRET", settings.inferenceClientSecret());
                    env.put("LODESTAR_SERVING_POLL", "1s");
                    env.put("LODESTAR_INFERENCE_CACHE_DIR", settings.data().resolve("inference-cache").toString());
                    env.put("LODESTAR_DRIFT_WINDOW", settings.driftWindow().toString());
                    return builder;
                }, settings.home().resolve(INFERENCE_JAR)));
        StackProcess gateway = processes.get("gateway");
        components.add(new Component(gateway,
                List.of(new Port(settings.gatewayPort(), "LODESTAR_GATEWAY_PORT", "gateway HTTP")),
                Duration.ofSeconds(120), () -> Readiness.answers(settings.gatewayUrl() + "/q/health/ready"),
                () -> {
                    ProcessBuilder builder = javaProcess(gateway, "-Xmx1g", "-jar",
                            built(GATEWAY_JAR).toString());
                    StackSettings.Database db = settings.lodestarDatabase();
                    Map<String, String> env = builder.environment();
                    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
                    env.put("LODESTAR_GATEWAY_PORT", Integer.toString(settings.gatewayPort()));
                    env.put("LODESTAR_DB_URL", db.jdbcUrl());
                    env.put("LODESTAR_DB_USER", db.user());
                    env.put("LODESTAR_DB_PASSWORD", db.password());
                    env.put("LODESTAR_OIDC_ISSUER", settings.issuer());
                    env.put("LODESTAR_GATEWAY_CLIENT_SECRET", settings.gatewayClientSecret());
                    env.put("LODESTAR_ARTIFACTS_DIR", settings.data().resolve("artifacts").toString());
                    // Monitors judge the windows the inference server cuts: both read the same length.
                    env.put("LODESTAR_DRIFT_WINDOW", settings.driftWindow().toString());
                    return builder;
                }, settings.home().resolve(GATEWAY_JAR)));
        return components;
    }

    private int up() {
        List<Component> components = components();
        List<StackProcess> startedNow = new ArrayList<>();
        Thread rollback = new Thread(() -> stopAll(startedNow), "stop-on-interrupt");
        Runtime.getRuntime().addShutdownHook(rollback);
        try {
            // Every port first, so a clash is reported before anything starts.
            for (Component component : components) {
                if (component.process().running().isEmpty()) {
                    requireFreePorts(component);
                }
            }
            // PostgreSQL and Keycloak one after the other; the two applications depend only on them.
            List<Component> infrastructure = components.subList(0, components.size() - 2);
            List<Component> applications = components.subList(components.size() - 2, components.size());
            for (Component component : infrastructure) {
                awaitReady(component, startIfNeeded(component, startedNow));
            }
            List<ProcessHandle> handles = new ArrayList<>();
            for (Component component : applications) {
                handles.add(startIfNeeded(component, startedNow));
            }
            for (int i = 0; i < applications.size(); i++) {
                awaitReady(applications.get(i), handles.get(i));
            }
            writeStackEnv();
            Runtime.getRuntime().removeShutdownHook(rollback);
            printSummary();
            return 0;
        } catch (StartFailure | Readiness.NotReady | UncheckedIOException | IllegalStateException e) {
            Runtime.getRuntime().removeShutdownHook(rollback);
            stopAll(startedNow);
            System.err.println("lodestar: " + e.getMessage());
            return 1;
        }
    }

    private ProcessHandle startIfNeeded(Component component, List<StackProcess> startedNow) {
        Optional<ProcessHandle> running = component.process().running();
        if (running.isPresent() && component.staleIn(running.get())) {
            System.out.printf("  %-10s restarting (runs an older build)%n", component.name());
            component.process().stop(Duration.ofSeconds(30));
            running = Optional.empty();
        }
        if (running.isPresent()) {
            System.out.printf("  %-10s already running%n", component.name());
            return running.get();
        }
        requireFreePorts(component);
        System.out.printf("  %-10s starting (log: %s)%n", component.name(), relative(component.process().logFile()));
        ProcessHandle handle = component.process().start(component.command().create());
        startedNow.add(component.process());
        return handle;
    }

    private static void requireFreePorts(Component component) {
        for (Port port : component.ports()) {
            if (!free(port.number())) {
                throw new StartFailure("port " + port.number() + " (" + port.purpose() + ") is already in use by another program;"
                        + " stop it or choose another port with " + port.variable());
            }
        }
    }

    private void awaitReady(Component component, ProcessHandle handle) {
        long started = System.nanoTime();
        Readiness.await(component.name(), component.ready(), handle::isAlive, component.startTimeout(),
                relative(component.process().logFile()));
        System.out.printf("  %-10s ready (%.1f s)%n", component.name(), (System.nanoTime() - started) / 1e9);
    }

    private int down() {
        List<StackProcess> processes = new ArrayList<>(processes().values());
        Collections.reverse(processes);
        boolean any = false;
        for (StackProcess process : processes) {
            Optional<ProcessHandle> handle = process.running();
            if (handle.isPresent()) {
                any = true;
                System.out.printf("  %-10s stopping (pid %d)%n", process.name(), handle.get().pid());
                process.stop(Duration.ofSeconds(30));
            }
        }
        stopOrphanedPostgres();
        try {
            Files.deleteIfExists(settings.data().resolve("stack.env"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(any ? "Lodestar stopped." : "Nothing was running.");
        return 0;
    }

    /** A PostgreSQL server left behind by a killed holder process still owns the data folder: stop it too. */
    private void stopOrphanedPostgres() {
        Path postmasterPid = settings.data().resolve("postgres/postmaster.pid");
        try {
            if (Files.isRegularFile(postmasterPid)) {
                long pid = Long.parseLong(Files.readAllLines(postmasterPid).get(0).trim());
                ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                        .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                        .ifPresent(h -> {
                            System.out.printf("  %-10s stopping a server left running (pid %d)%n", "postgres", pid);
                            StackProcess.stop(h, Duration.ofSeconds(30));
                        });
            }
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            // No readable pid file: nothing runs on the folder.
        }
    }

    private int status() {
        boolean allReady = true;
        for (Component component : components()) {
            Optional<ProcessHandle> handle = component.process().running();
            String state = handle.isEmpty() ? "stopped" : component.ready().getAsBoolean() ? "ready" : "not ready";
            allReady &= state.equals("ready");
            System.out.printf("  %-10s %-10s %-8s %s%n", component.name(), state,
                    handle.map(h -> Long.toString(h.pid())).orElse("-"), address(component.name()));
        }
        settings.externalDatabase().ifPresent(db -> System.out.printf("  %-10s %-10s %-8s %s%n", "postgres", "external", "-", db.jdbcUrl()));
        settings.externalIssuer().ifPresent(issuer -> System.out.printf("  %-10s %-10s %-8s %s%n", "keycloak", "external", "-", issuer));
        return allReady ? 0 : 1;
    }

    private String address(String component) {
        return switch (component) {
            case "postgres" -> "jdbc:postgresql://localhost:" + settings.dbPort() + "/" + LocalPostgres.DATABASE;
            case "keycloak" -> "http://localhost:" + settings.keycloakPort();
            case "inference" -> "localhost:" + settings.grpcPort() + " (gRPC)";
            case "gateway" -> settings.gatewayUrl();
            default -> "";
        };
    }

    private void writeStackEnv() {
        StackSettings.Database db = settings.lodestarDatabase();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LODESTAR_GATEWAY_URL", settings.gatewayUrl());
        env.put("LODESTAR_GRAPHQL_URL", settings.gatewayUrl() + "/graphql");
        env.put("LODESTAR_ADMIN_URL", settings.gatewayUrl() + "/admin");
        env.put("LODESTAR_GRPC_TARGET", "localhost:" + settings.grpcPort());
        env.put("LODESTAR_OIDC_ISSUER", settings.issuer());
        env.put("LODESTAR_TOKEN_URL", settings.issuer() + "/protocol/openid-connect/token");
        env.put("LODESTAR_CLI_CLIENT_ID", RealmFile.CLI_CLIENT);
        env.put("LODESTAR_DB_JDBC_URL", db.jdbcUrl());
        env.put("LODESTAR_DB_USER", db.user());
        env.put("LODESTAR_DB_PASSWORD", db.password());
        env.put("LODESTAR_PREDICTOR_CLIENT_ID", RealmFile.PREDICTOR_CLIENT);
        env.put("LODESTAR_PREDICTOR_CLIENT_SECRET", settings.predictorClientSecret());
        env.put("LODESTAR_INFERENCE_CLIENT_ID", RealmFile.INFERENCE_CLIENT);
        env.put("LODESTAR_INFERENCE_CLIENT_SECRET", settings.inferenceClientSecret());
        // OpenLineage producers (POST /api/v1/lineage) authenticate as this client.
        env.put("LODESTAR_LINEAGE_CLIENT_ID", RealmFile.LINEAGE_CLIENT);
        env.put("LODESTAR_LINEAGE_CLIENT_SECRET", settings.externalIssuer().isPresent()
                ? System.getenv().getOrDefault("LODESTAR_LINEAGE_CLIENT_SECRET", "")
                : RealmFile.of(settings.home()).clientSecret(RealmFile.LINEAGE_CLIENT, System.getenv()));
        env.put("LODESTAR_DRIFT_WINDOW", settings.driftWindow().toString());
        StringBuilder text = new StringBuilder("# Written by ./lodestar up; removed by ./lodestar down.\n");
        env.forEach((key, value) -> text.append(key).append('=').append(shellQuote(value)).append('\n'));
        Path file = settings.data().resolve("stack.env");
        try {
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void printSummary() {
        System.out.println();
        System.out.println("Lodestar is up.");
        System.out.printf("  GraphQL      %s/graphql%n", settings.gatewayUrl());
        System.out.printf("  Admin        %s/admin%n", settings.gatewayUrl());
        System.out.printf("  Inference    localhost:%d (gRPC), health and metrics on http://localhost:%d/q%n",
                settings.grpcPort(), settings.inferenceManagementPort());
        System.out.printf("  Keycloak     %s%n", settings.issuer());
        if (settings.externalIssuer().isEmpty()) {
            System.out.printf("               admin console http://localhost:%d/admin (%s / %s)%n",
                    settings.keycloakPort(), LocalKeycloak.BOOTSTRAP_ADMIN, LocalKeycloak.BOOTSTRAP_ADMIN);
        }
        System.out.printf("  PostgreSQL   %s%n", settings.lodestarDatabase().jdbcUrl());
        System.out.printf("  Addresses    %s%n", relative(settings.data().resolve("stack.env")));
        if (settings.externalIssuer().isEmpty()) {
            System.out.println();
            System.out.println("Demo users (password = user name; local realm only):");
            RealmFile.of(settings.home()).demoUsers()
                    .forEach((user, roles) -> System.out.printf("  %-6s %s%n", user, String.join(", ", roles)));
        }
        System.out.println();
        System.out.println("Stop with ./lodestar down.");
    }

    private void stopAll(List<StackProcess> processes) {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop(Duration.ofSeconds(30));
        }
        processes.clear();
    }

    private ProcessBuilder javaProcess(StackProcess process, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.add(process.marker());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(settings.home().toFile());
    }

    private Path built(String relativePath) {
        Path path = settings.home().resolve(relativePath);
        if (!Files.isRegularFile(path)) {
            throw new StartFailure(relativePath + " is not built; run ./mvnw -DskipTests package");
        }
        return path;
    }

    private Path relative(Path path) {
        return path.startsWith(settings.home()) ? settings.home().relativize(path) : path;
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String shellQuote(String value) {
        return value.matches("[A-Za-z0-9_@%+=:,./-]*") ? value : "'" + value.replace("'", "'\\''") + "'";
    }
}
