package dev.lodestar.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Admin requests of a user without a session would be sent to Keycloak's login page. While Keycloak does not
 * answer (see {@link KeycloakProbe}), such a request gets a page saying that sign-in is unavailable instead, with
 * status 503 and {@code Retry-After}, rather than a redirect to an address the browser cannot reach. Requests
 * carrying a session go on as usual: the pages of users already signed in keep working while their session lasts,
 * since their tokens are checked against keys the gateway already holds. The stylesheet is always served.
 */
@ApplicationScoped
public class SignInGate {

    /** Seconds a browser or client is told to wait before trying again. */
    static final int RETRY_AFTER_SECONDS = 30;

    private static final String SESSION_COOKIE = "q_session";

    @CheckedTemplate(basePath = "errors")
    static class Templates {
        static native TemplateInstance signInUnavailable(int retryAfterSeconds, String issuer, String path);
    }

    void install(@Observes Router router, KeycloakProbe keycloak) {
        router.routeWithRegex("/admin(/.*)?").order(-250).handler(context -> gate(context, keycloak));
    }

    private static void gate(RoutingContext context, KeycloakProbe keycloak) {
        if (context.normalizedPath().startsWith("/admin/assets/") || hasSession(context)) {
            context.next();
            return;
        }
        Context here = Vertx.currentContext();
        keycloak.reachable().whenComplete((up, failure) -> here.runOnContext(ignored -> {
            if (Boolean.TRUE.equals(up)) {
                context.next();
            } else {
                String page = Templates.signInUnavailable(RETRY_AFTER_SECONDS, keycloak.issuer(), context.normalizedPath()).render();
                context.response().setStatusCode(503)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html;charset=UTF-8")
                        .putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS))
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                        .end(page);
            }
        }));
    }

    private static boolean hasSession(RoutingContext context) {
        for (Cookie cookie : context.request().cookies()) {
            if (cookie.getName().startsWith(SESSION_COOKIE)) {
                return true;
            }
        }
        return false;
    }
}
