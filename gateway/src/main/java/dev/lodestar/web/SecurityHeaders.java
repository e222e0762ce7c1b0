package dev.lodestar.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;

/**
 * The security headers of every answer the gateway sends: admin pages, error pages, redirects (to Keycloak's
 * login too), static assets, GraphQL, the MLflow REST API and answers of no endpoint at all. They are set just
 * before the headers leave, so no handler that answers early (a refusal, a redirect, a 404 of no route) can
 * send an answer without them.
 *
 * <ul>
 * <li>{@code Content-Security-Policy}: scripts, styles and images from the gateway itself only (no inline script,
 * so markup slipped into a page could not run), no plugins ({@code object-src 'none'}), no framing by any site
 * ({@code frame-ancestors 'none'}), forms posting only to the gateway, no {@code <base>} rewriting links;</li>
 * <li>{@code X-Frame-Options: DENY} for browsers that do not read {@code frame-ancestors};</li>
 * <li>{@code X-Content-Type-Options: nosniff}: a file is what its content type says, never guessed to be script;</li>
 * <li>{@code Referrer-Policy: same-origin}: addresses of admin pages never leave for other sites;</li>
 * <li>{@code Cross-Origin-Opener-Policy: same-origin}: a page the admin opens cannot reach back into it;</li>
 * <li>{@code Strict-Transport-Security}, only when {@link AdminConfig#secureCookies()} says the gateway is reached
 * through TLS.</li>
 * </ul>
 */
@ApplicationScoped
public class SecurityHeaders {

    /** The content security policy of every answer. */
    public static final String POLICY = "default-src 'self'; object-src 'none'; frame-ancestors 'none'; "
            + "form-action 'self'; base-uri 'none'";

    void install(@Observes Router router, AdminConfig config) {
        boolean tls = config.secureCookies();
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            context.addHeadersEndHandler(ignored -> set(context.response().headers(), tls));
            context.next();
        });
    }

    static void set(MultiMap headers, boolean tls) {
        headers.set("Content-Security-Policy", POLICY);
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "same-origin");
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        if (tls) {
            headers.set("Strict-Transport-Security", "max-age=31536000");
        }
    }
}
