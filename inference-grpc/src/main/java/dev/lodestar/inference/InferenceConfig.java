package dev.lodestar.inference;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of the inference server, read from environment variables.
 *
 * @param host            address the gRPC server binds ({@code LODESTAR_GRPC_HOST}, default all interfaces)
 * @param grpcPort        gRPC port ({@code LODESTAR_GRPC_PORT}, default 9090)
 * @param managementPort  HTTP port of {@code /q/health/live}, {@code /q/health/ready} and {@code /q/metrics}
 *                        ({@code LODESTAR_INFERENCE_MANAGEMENT_PORT}, default 9091)
 * @param issuer          issuer of the tokens callers present, a Keycloak realm URL ({@code LODESTAR_OIDC_ISSUER}, required)
 * @param audience        audience tokens must carry ({@code LODESTAR_OIDC_AUDIENCE}, default {@code lodestar})
 * @param requiredRole    realm role a caller needs ({@code LODESTAR_INFERENCE_ROLE}, default {@code predictor})
 * @param shutdownGrace   how long admitted calls may run on after a stop request
 *                        ({@code LODESTAR_INFERENCE_SHUTDOWN_GRACE_SECONDS}, default 20)
 */
public record InferenceConfig(String host, int grpcPort, int managementPort, URI issuer, String audience,
        String requiredRole, Duration shutdownGrace) {

    /** Thrown for a missing or malformed setting; the message names the variable. */
    public static final class InvalidConfig extends RuntimeException {
        InvalidConfig(String message) {
            super(message);
        }
    }

    /** Reads the settings from {@code env}. */
    public static InferenceConfig fromEnvironment(Map<String, String> env) {
        String issuer = env.get("LODESTAR_OIDC_ISSUER");
        if (issuer == null || issuer.isBlank()) {
            throw new InvalidConfig("LODESTAR_OIDC_ISSUER must name the Keycloak realm that issues callers' tokens,"
                    + " e.g. http://localhost:8180/realms/lodestar");
        }
        return new InferenceConfig(
                env.getOrDefault("LODESTAR_GRPC_HOST", "0.0.0.0"),
                port(env, "LODESTAR_GRPC_PORT", 9090),
                port(env, "LODESTAR_INFERENCE_MANAGEMENT_PORT", 9091),
                URI.create(issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer),
                env.getOrDefault("LODESTAR_OIDC_AUDIENCE", "lodestar"),
                env.getOrDefault("LODESTAR_INFERENCE_ROLE", "predictor"),
                Duration.ofSeconds(number(env, "LODESTAR_INFERENCE_SHUTDOWN_GRACE_SECONDS", 20)));
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
