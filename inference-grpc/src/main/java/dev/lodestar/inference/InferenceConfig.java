package dev.lodestar.inference;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings of the inference server, read from environment variables.
 *
 * @param host            address the gRPC server binds ({@code LODESTAR_GRPC_HOST}, default all interfaces)
 * @param grpcPort        gRPC port ({@code LODESTAR_GRPC_PORT}, default 9090)
 * @param managementPort  HTTP port of {@code /q/health/live}, {@code /q/health/ready} and {@code /q/metrics}
 *                        ({@code LODESTAR_INFERENCE_MANAGEMENT_PORT}, default 9091)
 * @param issuer          issuer of the tokens callers present, a Keycloak realm URL ({@code LODESTAR_OIDC_ISSUER},
 *                        required by {@link #fromEnvironment}; null only for in-process use without authentication)
 * @param audience        audience tokens must carry ({@code LODESTAR_OIDC_AUDIENCE}, default {@code lodestar})
 * @param requiredRole    realm role a caller needs ({@code LODESTAR_INFERENCE_ROLE}, default {@code predictor})
 * @param shutdownGrace   how long admitted calls may run on after a stop request
 *                        ({@code LODESTAR_INFERENCE_SHUTDOWN_GRACE_SECONDS}, default 20)
 * @param gatewayUrl      the control plane, source of the desired state and artifacts ({@code LODESTAR_GATEWAY_URL};
 *                        null: none)
 * @param clientId        client this server authenticates as to the gateway ({@code LODESTAR_INFERENCE_CLIENT_ID},
 *                        default {@code lodestar-inference})
 * @param clientSecret    its secret ({@code LODESTAR_INFERENCE_CLIENT_SECRET}; needed with a gateway)
 * @param servingFile     a local desired state file, used instead of the gateway's ({@code LODESTAR_SERVING_FILE})
 * @param pollInterval    how often the desired state is read ({@code LODESTAR_SERVING_POLL}: {@code 1s},
 *                        {@code 500ms} or seconds; default 1 s)
 * @param replicaId       this replica's id in reports ({@code LODESTAR_REPLICA_ID}, default host:port)
 * @param advertisedAddress where callers reach this replica ({@code LODESTAR_INFERENCE_ADDRESS}, default host:port)
 * @param cacheDirectory  verified model artifacts kept across restarts ({@code LODESTAR_INFERENCE_CACHE_DIR},
 *                        default {@code lodestar-inference-cache} in the temporary directory)
 * @param maxInFlight     calls in flight beyond which new calls are refused with {@code RESOURCE_EXHAUSTED}
 *                        ({@code LODESTAR_INFERENCE_MAX_IN_FLIGHT}, default 1024)
 * @param drift           live profiles, their shipment to the gateway and feedback
 */
public record InferenceConfig(String host, int grpcPort, int managementPort, URI issuer, String audience,
        String requiredRole, Duration shutdownGrace, URI gatewayUrl, String clientId, String clientSecret,
        Path servingFile, Duration pollInterval, String replicaId, String advertisedAddress, Path cacheDirectory,
        int maxInFlight, Drift drift) {

    /**
     * Live drift settings.
     *
     * @param window          length of the windows profiles are kept per, aligned from the epoch
     *                        ({@code LODESTAR_DRIFT_WINDOW}, ISO-8601 whole seconds, default {@code PT5M})
     * @param shipInterval    how often changed windows and outcomes are shipped to the gateway
     *                        ({@code LODESTAR_DRIFT_SHIP_INTERVAL}, default {@code PT10S})
     * @param ship            whether to ship them when a gateway is configured ({@code LODESTAR_DRIFT_SHIP}, default
     *                        true); without shipping, closed windows are forgotten and {@code Feedback} is refused
     * @param bufferRows      rows handed off the predict path and not yet profiled beyond which rows are dropped and
     *                        counted ({@code LODESTAR_DRIFT_BUFFER_ROWS}, default 16384)
     * @param retainedWindows closed windows kept while shipments fail, oldest dropped first
     *                        ({@code LODESTAR_DRIFT_RETAINED_WINDOWS}, default 64)
     * @param feedbackBuffer  outcomes kept for the next shipment, beyond which {@code Feedback} answers
     *                        {@code RESOURCE_EXHAUSTED} ({@code LODESTAR_FEEDBACK_BUFFER}, default 100000)
     */
    public record Drift(Duration window, Duration shipInterval, boolean ship, int bufferRows, int retainedWindows,
            int feedbackBuffer) {

        /** The defaults. */
        public static final Drift DEFAULTS = new Drift(Duration.ofMinutes(5), Duration.ofSeconds(10), true, 16384, 64,
                100_000);

        public Drift {
            if (window.isNegative() || window.getSeconds() < 1 || window.getNano() != 0) {
                throw new InvalidConfig("LODESTAR_DRIFT_WINDOW must be a whole number of seconds, at least 1, got " + window);
            }
            if (shipInterval.isNegative() || shipInterval.isZero()) {
                throw new InvalidConfig("LODESTAR_DRIFT_SHIP_INTERVAL must be positive, got " + shipInterval);
            }
            if (bufferRows < 1 || retainedWindows < 0 || feedbackBuffer < 0) {
                throw new InvalidConfig("LODESTAR_DRIFT_BUFFER_ROWS must be positive and LODESTAR_DRIFT_RETAINED_WINDOWS"
                        + " and LODESTAR_FEEDBACK_BUFFER not negative");
            }
        }

        /** The same settings with windows of another length. */
        public Drift withWindow(Duration length) {
            return new Drift(length, shipInterval, ship, bufferRows, retainedWindows, feedbackBuffer);
        }

        /** The same settings shipping every {@code interval}. */
        public Drift withShipInterval(Duration interval) {
            return new Drift(window, interval, ship, bufferRows, retainedWindows, feedbackBuffer);
        }

        /** The same settings keeping at most {@code count} closed windows while shipments fail. */
        public Drift withRetainedWindows(int count) {
            return new Drift(window, shipInterval, ship, bufferRows, count, feedbackBuffer);
        }

        /** The same settings with another hand-off buffer. */
        public Drift withBufferRows(int rows) {
            return new Drift(window, shipInterval, ship, rows, retainedWindows, feedbackBuffer);
        }

        static Drift fromEnvironment(Map<String, String> env) {
            return new Drift(isoDuration(env, "LODESTAR_DRIFT_WINDOW", DEFAULTS.window()),
                    isoDuration(env, "LODESTAR_DRIFT_SHIP_INTERVAL", DEFAULTS.shipInterval()),
                    flag(env, "LODESTAR_DRIFT_SHIP", DEFAULTS.ship()),
                    number(env, "LODESTAR_DRIFT_BUFFER_ROWS", DEFAULTS.bufferRows()),
                    number(env, "LODESTAR_DRIFT_RETAINED_WINDOWS", DEFAULTS.retainedWindows()),
                    number(env, "LODESTAR_FEEDBACK_BUFFER", DEFAULTS.feedbackBuffer()));
        }
    }

    /** Thrown for a missing or malformed setting; the message names the variable. */
    public static final class InvalidConfig extends RuntimeException {
        InvalidConfig(String message) {
            super(message);
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");

    /** Reads the settings from {@code env}. */
    public static InferenceConfig fromEnvironment(Map<String, String> env) {
        String issuer = env.get("LODESTAR_OIDC_ISSUER");
        if (issuer == null || issuer.isBlank()) {
            throw new InvalidConfig("LODESTAR_OIDC_ISSUER must name the Keycloak realm that issues callers' tokens,"
                    + " e.g. http://localhost:8180/realms/lodestar");
        }
        String gateway = blankToNull(env.get("LODESTAR_GATEWAY_URL"));
        String secret = blankToNull(env.get("LODESTAR_INFERENCE_CLIENT_SECRET"));
        String file = blankToNull(env.get("LODESTAR_SERVING_FILE"));
        if (gateway != null && secret == null) {
            throw new InvalidConfig("LODESTAR_INFERENCE_CLIENT_SECRET is required with LODESTAR_GATEWAY_URL: the secret"
                    + " of client lodestar-inference, which reads the desired state");
        }
        int grpcPort = port(env, "LODESTAR_GRPC_PORT", 9090);
        String host = env.getOrDefault("LODESTAR_GRPC_HOST", "0.0.0.0");
        String address = blankToNull(env.get("LODESTAR_INFERENCE_ADDRESS"));
        if (address == null) {
            address = hostName(host) + ":" + grpcPort;
        }
        String cache = blankToNull(env.get("LODESTAR_INFERENCE_CACHE_DIR"));
        return new InferenceConfig(
                host,
                grpcPort,
                port(env, "LODESTAR_INFERENCE_MANAGEMENT_PORT", 9091),
                URI.create(issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer),
                env.getOrDefault("LODESTAR_OIDC_AUDIENCE", "lodestar"),
                env.getOrDefault("LODESTAR_INFERENCE_ROLE", "predictor"),
                Duration.ofSeconds(number(env, "LODESTAR_INFERENCE_SHUTDOWN_GRACE_SECONDS", 20)),
                gateway == null ? null : URI.create(gateway),
                env.getOrDefault("LODESTAR_INFERENCE_CLIENT_ID", "lodestar-inference"),
                secret,
                file == null ? null : Path.of(file),
                duration(env, "LODESTAR_SERVING_POLL", Duration.ofSeconds(1)),
                env.getOrDefault("LODESTAR_REPLICA_ID", address),
                address,
                cache == null ? Path.of(System.getProperty("java.io.tmpdir"), "lodestar-inference-cache") : Path.of(cache),
                number(env, "LODESTAR_INFERENCE_MAX_IN_FLIGHT", 1024),
                Drift.fromEnvironment(env));
    }

    /** The same settings with another desired state file. */
    public InferenceConfig withServingFile(Path file) {
        return new InferenceConfig(host, grpcPort, managementPort, issuer, audience, requiredRole, shutdownGrace,
                gatewayUrl, clientId, clientSecret, file, pollInterval, replicaId, advertisedAddress, cacheDirectory,
                maxInFlight, drift);
    }

    /** The same settings with another in-flight limit. */
    public InferenceConfig withMaxInFlight(int limit) {
        return new InferenceConfig(host, grpcPort, managementPort, issuer, audience, requiredRole, shutdownGrace,
                gatewayUrl, clientId, clientSecret, servingFile, pollInterval, replicaId, advertisedAddress,
                cacheDirectory, limit, drift);
    }

    /** The same settings with other drift settings. */
    public InferenceConfig withDrift(Drift settings) {
        return new InferenceConfig(host, grpcPort, managementPort, issuer, audience, requiredRole, shutdownGrace,
                gatewayUrl, clientId, clientSecret, servingFile, pollInterval, replicaId, advertisedAddress,
                cacheDirectory, maxInFlight, settings);
    }

    /**
     * The same settings with a gateway (desired state, artifacts, reports and drift shipments) reached as client
     * {@code clientId} with {@code clientSecret}, its tokens issued by {@code issuer}: how a test runs this server
     * against a gateway it started.
     */
    public InferenceConfig withGateway(URI gateway, URI tokenIssuer, String client, String secret) {
        return new InferenceConfig(host, grpcPort, managementPort, tokenIssuer, audience, requiredRole, shutdownGrace,
                gateway, client, secret, servingFile, pollInterval, replicaId, advertisedAddress, cacheDirectory,
                maxInFlight, drift);
    }

    /**
     * Settings for a server in this JVM on loopback, free ports, reading {@code servingFile}; callers are
     * authenticated against {@code issuer}, or not at all when it is null (benchmarks).
     */
    public static InferenceConfig local(URI issuer, Path servingFile, Path cacheDirectory) {
        return new InferenceConfig("127.0.0.1", 0, 0, issuer, "lodestar", "predictor", Duration.ofSeconds(5), null,
                "lodestar-inference", null, servingFile, Duration.ofMillis(100), "local", "127.0.0.1:0", cacheDirectory,
                1024, Drift.DEFAULTS);
    }

    private static String hostName(String bind) {
        if (!bind.equals("0.0.0.0") && !bind.equals("::")) {
            return bind;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String value = blankToNull(env.get(name));
        if (value == null) {
            return fallback;
        }
        Matcher matcher = DURATION.matcher(value);
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) <= 0) {
            throw new InvalidConfig(name + " must be a positive duration like 1s or 500ms, got '" + value + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** An ISO-8601 duration ({@code PT5M}); the short form of the other durations ({@code 10s}) is read too. */
    private static Duration isoDuration(Map<String, String> env, String name, Duration fallback) {
        String value = blankToNull(env.get(name));
        if (value == null) {
            return fallback;
        }
        if (value.startsWith("P") || value.startsWith("p")) {
            try {
                return Duration.parse(value);
            } catch (java.time.format.DateTimeParseException e) {
                throw new InvalidConfig(name + " must be an ISO-8601 duration like PT5M, got '" + value + "'");
            }
        }
        return duration(env, name, fallback);
    }

    private static boolean flag(Map<String, String> env, String name, boolean fallback) {
        String value = blankToNull(env.get(name));
        if (value == null) {
            return fallback;
        }
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new InvalidConfig(name + " must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        int port = number(env, name, fallback);
        if (port < 0 || port > 65535) {
            throw new InvalidConfig(name + " must be a port number, got " + port);
        }
        return port;
    }

    private static int number(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfig(name + " must be a number, got '" + value + "'");
        }
    }
}
