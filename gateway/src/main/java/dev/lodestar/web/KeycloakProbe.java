package dev.lodestar.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Whether Keycloak answers, so the admin can tell a user without a session that sign-in is unavailable instead of
 * sending their browser to an address that does not answer. Asks Keycloak's discovery document with a short
 * timeout and trusts the answer for {@link AdminConfig#signInCheckEvery()}; concurrent callers share one check, so
 * a burst of visitors while Keycloak is down costs one request to it, not one each.
 */
@ApplicationScoped
public class KeycloakProbe {

    private static final Logger LOG = Logger.getLogger(KeycloakProbe.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final String issuer;
    private final URI discovery;
    private final long freshNanos;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private CompletableFuture<Boolean> last;
    private long checkedAt;
    private Boolean lastAnswer;

    KeycloakProbe(@ConfigProperty(name = "quarkus.oidc.web.auth-server-url") String issuer, AdminConfig config) {
        this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        this.discovery = URI.create(this.issuer + "/.well-known/openid-configuration");
        this.freshNanos = config.signInCheckEvery().toNanos();
    }

    /** The issuer address the admin signs users in with. */
    public String issuer() {
        return issuer;
    }

    /** Completes with true when Keycloak answered its discovery document recently or does now. */
    public synchronized CompletionStage<Boolean> reachable() {
        long now = System.nanoTime();
        if (last != null && (!last.isDone() || now - checkedAt < freshNanos)) {
            return last;
        }
        checkedAt = now;
        HttpRequest request = HttpRequest.newBuilder(discovery).timeout(TIMEOUT).GET().build();
        last = http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> failure == null && response.statusCode() < 500)
                .thenApply(this::record);
        return last;
    }

    private synchronized boolean record(boolean up) {
        if (lastAnswer == null || lastAnswer != up) {
            if (up) {
                LOG.infof("Keycloak at %s answers: admin sign-in is available", issuer);
            } else {
                LOG.warnf("Keycloak at %s does not answer: admin sign-in answers 503 until it does", issuer);
            }
        }
        lastAnswer = up;
        return up;
    }
}
