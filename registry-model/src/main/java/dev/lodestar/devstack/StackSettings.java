package dev.lodestar.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * What the local stack listens on and which parts come from outside, read from {@code LODESTAR_*}
 * environment variables with the documented defaults.
 *
 * @param home           the checkout, where the built applications are
 * @param data           state of the stack: databases, logs, pid files, {@code stack.env}
 *                       ({@code LODESTAR_DATA_DIR}, default {@code ./data})
 * @param gatewayPort    gateway HTTP ({@code LODESTAR_GATEWAY_PORT}, 8080)
 * @param grpcPort       inference gRPC ({@code LODESTAR_GRPC_PORT}, 9090)
 * @param inferenceManagementPort inference health and metrics over HTTP ({@code LODESTAR_INFERENCE_MANAGEMENT_PORT}, 9091)
 * @param keycloakPort   Keycloak HTTP ({@code LODESTAR_KEYCLOAK_PORT}, 8180)
 * @param keycloakManagementPort Keycloak health ({@code LODESTAR_KEYCLOAK_MANAGEMENT_PORT}, 9190)
 * @param dbPort         embedded PostgreSQL ({@code LODESTAR_DB_PORT}, 5433)
 * @param externalDatabase set when {@code LODESTAR_DB_URL} names a PostgreSQL to use instead of the embedded one
 * @param externalIssuer set when {@code LODESTAR_OIDC_ISSUER} names a Keycloak realm to use instead of a local Keycloak
 * @param gatewayClientSecret secret of the {@code lodestar-gateway} client ({@code LODESTAR_GATEWAY_CLIENT_SECRET})
 * @param predictorClientSecret secret of the {@code lodestar-predictor} client ({@code LODESTAR_PREDICTOR_CLIENT_SECRET})
 * @param inferenceClientSecret secret of the {@code lodestar-inference} client ({@code LODESTAR_INFERENCE_CLIENT_SECRET})
 * @param driftWindow    length of the live drift windows, the same for the inference server (which cuts and ships
 *                       them) and the gateway (whose monitors judge them) ({@code LODESTAR_DRIFT_WINDOW}, ISO-8601,
 *                       default {@code PT30S} so a local stack shows drift and alerts within a minute; the
 *                       applications' own default is {@code PT5M})
 */
public record StackSettings(Path home, Path data, int gatewayPort, int grpcPort, int inferenceManagementPort,
        int keycloakPort, int keycloakManagementPort, int dbPort, Optional<Database> externalDatabase,
        Optional<String> externalIssuer, String gatewayClientSecret, String predictorClientSecret,
        String inferenceClientSecret, Duration driftWindow) {

    /** The drift window of a local stack when {@code LODESTAR_DRIFT_WINDOW} is not set. */
    public static final Duration DEFAULT_DRIFT_WINDOW = Duration.ofSeconds(30);

    /** Connection to a PostgreSQL database. */
    public record Database(String jdbcUrl, String user, String password) {
    }

    /** Thrown when a setting is present but unusable; the message names the variable. */
    public static final class InvalidSetting extends RuntimeException {
        InvalidSetting(String message) {
            super(message);
        }
    }

    /** Reads the settings of a stack rooted at {@code home}. */
    public static StackSettings read(Path home, Map<String, String> env) {
        Optional<Database> database = Optional.ofNullable(env.get("LODESTAR_DB_URL")).filter(s -> !s.isBlank())
                .map(url -> new Database(url, required(env, "LODESTAR_DB_USER", "LODESTAR_DB_URL"),
                        required(env, "LODESTAR_DB_PASSWORD", "LODESTAR_DB_URL")));
        database.ifPresent(db -> {
            if (!db.jdbcUrl().startsWith("jdbc:postgresql://")) {
                throw new InvalidSetting("LODESTAR_DB_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database), got "
                        + db.jdbcUrl());
            }
        });
        Optional<String> issuer = Optional.ofNullable(env.get("LODESTAR_OIDC_ISSUER")).filter(s -> !s.isBlank());
        RealmFile realm = RealmFile.of(home);
        String gatewaySecret = issuer.isPresent()
                ? required(env, "LODESTAR_GATEWAY_CLIENT_SECRET", "LODESTAR_OIDC_ISSUER")
                : realm.clientSecret(RealmFile.GATEWAY_CLIENT, env);
        String predictorSecret = issuer.isPresent()
                ? env.getOrDefault("LODESTAR_PREDICTOR_CLIENT_SECRET", "")
                : realm.clientSecret(RealmFile.PREDICTOR_CLIENT, env);
        String inferenceSecret = issuer.isPresent()
                ? env.getOrDefault("LODESTAR_INFERENCE_CLIENT_SECRET", "")
                : realm.clientSecret(RealmFile.INFERENCE_CLIENT, env);
        String dataDir = env.get("LODESTAR_DATA_DIR");
        Path data = dataDir == null || dataDir.isBlank() ? home.resolve("data") : home.resolve(dataDir).toAbsolutePath().normalize();
        return new StackSettings(home, data,
                port(env, "LODESTAR_GATEWAY_PORT", 8080),
                port(env, "LODESTAR_GRPC_PORT", 9090),
                port(env, "LODESTAR_INFERENCE_MANAGEMENT_PORT", 9091),
                port(env, "LODESTAR_KEYCLOAK_PORT", 8180),
                port(env, "LODESTAR_KEYCLOAK_MANAGEMENT_PORT", 9190),
                port(env, "LODESTAR_DB_PORT", 5433),
                database, issuer, gatewaySecret, predictorSecret, inferenceSecret, driftWindow(env));
    }

    /** True when this stack runs its own PostgreSQL: for Lodestar's data, for a local Keycloak, or both. */
    public boolean embeddedPostgres() {
        return externalDatabase.isEmpty() || externalIssuer.isEmpty();
    }

    /** The database Lodestar's gateway uses. */
    public Database lodestarDatabase() {
        return externalDatabase.orElseGet(() -> new Database("jdbc:postgresql://localhost:" + dbPort + "/"
                + LocalPostgres.DATABASE, LocalPostgres.DATABASE, LocalPostgres.DATABASE));
    }

    /** The issuer of the {@code lodestar} realm the stack trusts. */
    public String issuer() {
        return externalIssuer.orElse("http://localhost:" + keycloakPort + "/realms/lodestar");
    }

    /** The gateway's base URL. */
    public String gatewayUrl() {
        return "http://localhost:" + gatewayPort;
    }

    private static Duration driftWindow(Map<String, String> env) {
        String value = env.get("LODESTAR_DRIFT_WINDOW");
        if (value == null || value.isBlank()) {
            return DEFAULT_DRIFT_WINDOW;
        }
        try {
            Duration window = Duration.parse(value.trim());
            if (window.isNegative() || window.getSeconds() < 1 || window.getNano() != 0) {
                throw new InvalidSetting("LODESTAR_DRIFT_WINDOW must be a whole number of seconds, at least 1, got " + value);
            }
            return window;
        } catch (DateTimeParseException e) {
            throw new InvalidSetting("LODESTAR_DRIFT_WINDOW must be an ISO-8601 duration such as PT30S or PT5M, got " + value);
        }
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new InvalidSetting(name + " must be a port number between 1 and 65535, got '" + value + "'");
        }
    }

    private static String required(Map<String, String> env, String name, String because) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new InvalidSetting(name + " must be set when " + because + " is set");
        }
        return value;
    }
}
