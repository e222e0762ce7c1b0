package dev.lodestar.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Lodestar's Keycloak realm file ({@code k8s/overlays/dev/lodestar-realm.json}), which the launcher, the
 * tests and the development manifests all import.
 *
 * <p>Client secrets in the file are placeholders with a local default, {@code ${VARIABLE:default}}, which
 * Keycloak resolves from its environment on import; this class resolves them the same way.
 */
public final class RealmFile {

    /** The realm file's place in a checkout. */
    public static final Path LOCATION = Path.of("k8s", "overlays", "dev", "lodestar-realm.json");

    /** Client through which users and scripts get tokens by password grant. */
    public static final String CLI_CLIENT = "lodestar-cli";
    /** Client of the gateway: admin login by code flow, and role management through its service account. */
    public static final String GATEWAY_CLIENT = "lodestar-gateway";
    /** Client of services calling the inference data plane (client credentials, role {@code predictor}). */
    public static final String PREDICTOR_CLIENT = "lodestar-predictor";
    /** Client of inference servers reading desired state from the gateway (client credentials, role {@code inference-server}). */
    public static final String INFERENCE_CLIENT = "lodestar-inference";
    /** Client of OpenLineage producers sending events to the gateway (client credentials, role {@code lineage-producer}). */
    public static final String LINEAGE_CLIENT = "lodestar-lineage";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+):([^}]*)}");

    private final JsonNode realm;

    private RealmFile(JsonNode realm) {
        this.realm = realm;
    }

    /** Reads the realm file of the checkout at {@code home}. */
    public static RealmFile of(Path home) {
        try {
            return new RealmFile(new ObjectMapper().readTree(home.resolve(LOCATION).toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the realm file " + home.resolve(LOCATION), e);
        }
    }

    /** Users who log in with a password, in file order, with their realm roles. */
    public Map<String, List<String>> demoUsers() {
        Map<String, List<String>> users = new LinkedHashMap<>();
        for (JsonNode user : realm.path("users")) {
            if (user.has("credentials")) {
                List<String> roles = new ArrayList<>();
                user.path("realmRoles").forEach(role -> roles.add(role.asText()));
                users.put(user.path("username").asText(), roles);
            }
        }
        return users;
    }

    /**
     * The secret a client gets when the realm is imported with environment {@code env}: the value of the
     * placeholder's variable if set, else its default.
     */
    public String clientSecret(String clientId, Map<String, String> env) {
        for (JsonNode client : realm.path("clients")) {
            if (clientId.equals(client.path("clientId").asText())) {
                String secret = client.path("secret").asText();
                Matcher placeholder = PLACEHOLDER.matcher(secret);
                if (placeholder.matches()) {
                    String fromEnv = env.get(placeholder.group(1));
                    return fromEnv == null || fromEnv.isBlank() ? placeholder.group(2) : fromEnv;
                }
                return secret;
            }
        }
        throw new IllegalArgumentException("the realm file has no client " + clientId);
    }
}
