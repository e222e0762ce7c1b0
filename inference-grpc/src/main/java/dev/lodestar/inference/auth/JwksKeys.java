package dev.lodestar.inference.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * The signing keys of a Keycloak realm, fetched from its JWKS endpoint and kept in memory, so tokens are
 * verified locally instead of by a call to Keycloak per request.
 *
 * <p>A token signed with an unknown key id triggers a refetch, at most once per {@code minRefreshInterval}
 * (so forged key ids cannot make the server hammer Keycloak). A failed fetch keeps the keys already known:
 * tokens keep working while Keycloak is briefly unreachable.
 */
public final class JwksKeys implements org.jose4j.keys.resolvers.VerificationKeyResolver {

    private static final Logger LOG = Logger.getLogger(JwksKeys.class);

    private final URI issuer;
    private final HttpClient http;
    private final Duration minRefreshInterval;
    private final Clock clock;

    private volatile List<JsonWebKey> keys = List.of();
    private volatile Instant lastFetchAttempt = Instant.EPOCH;
    private volatile URI jwksUri;
    private boolean failing;

    public JwksKeys(URI issuer, HttpClient http, Duration minRefreshInterval, Clock clock) {
        this.issuer = issuer;
        this.http = http;
        this.minRefreshInterval = minRefreshInterval;
        this.clock = clock;
    }

    /** True once a key set has been fetched. */
    public boolean loaded() {
        return !keys.isEmpty();
    }

    /**
     * Fetches the realm's discovery document (once) and its key set, replacing the keys held.
     *
     * @return false when the fetch failed; the keys held before stay in use
     */
    public synchronized boolean refresh() {
        lastFetchAttempt = clock.instant();
        try {
            if (jwksUri == null) {
                Map<String, Object> discovery = JsonUtil.parseJson(get(URI.create(issuer + "/.well-known/openid-configuration")));
                Object uri = discovery.get("jwks_uri");
                if (!(uri instanceof String text)) {
                    throw new IOException("the discovery document of " + issuer + " names no jwks_uri");
                }
                jwksUri = URI.create(text);
            }
            List<JsonWebKey> fetched = new JsonWebKeySet(get(jwksUri)).getJsonWebKeys();
            if (fetched.isEmpty()) {
                throw new IOException("the key set at " + jwksUri + " is empty");
            }
            keys = List.copyOf(fetched);
            if (failing) {
                LOG.infof("Signing keys of %s fetched again (%d keys)", issuer, fetched.size());
            }
            failing = false;
            return true;
        } catch (IOException | JoseException | RuntimeException e) {
            if (!failing) {
                LOG.warnf("Could not fetch the signing keys of %s: %s; keeping %d known keys", issuer, e.getMessage(), keys.size());
            }
            failing = true;
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nestingContext) throws UnresolvableKeyException {
        JsonWebKey key = select(jws);
        if (key == null && clock.instant().isAfter(lastFetchAttempt.plus(minRefreshInterval))) {
            refresh();
            key = select(jws);
        }
        if (key == null) {
            throw new UnresolvableKeyException("no known signing key matches key id " + jws.getKeyIdHeaderValue());
        }
        return key.getKey();
    }

    private JsonWebKey select(JsonWebSignature jws) throws UnresolvableKeyException {
        try {
            return new VerificationJwkSelector().select(jws, keys);
        } catch (JoseException e) {
            throw new UnresolvableKeyException("cannot select a signing key: " + e.getMessage(), e);
        }
    }

    private String get(URI uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }
}
