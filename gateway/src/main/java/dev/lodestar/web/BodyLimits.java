package dev.lodestar.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.lodestar.graphql.ErrorCode;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Request bodies of JSON and form endpoints stay small. The server-wide limit is the artifact limit, since
 * artifacts are streamed to the store; every other body must declare its length and stay under
 * {@code lodestar.http.max-request-body} (GraphQL enforces the same limit on its own, chunked bodies included).
 */
@ApplicationScoped
public class BodyLimits {

    void install(@Observes Router router,
            @ConfigProperty(name = "lodestar.http.max-request-body", defaultValue = "16M") MemorySize limit) {
        long max = limit.asLongValue();
        router.route().order(-300).handler(context -> check(context, max));
    }

    private static void check(RoutingContext context, long max) {
        String path = context.normalizedPath();
        if (context.request().method().name().equals("GET") || path.equals("/graphql") || streams(path)) {
            context.next();
            return;
        }
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            if ("chunked".equalsIgnoreCase(context.request().getHeader(HttpHeaders.TRANSFER_ENCODING))) {
                refuse(context, 411, "send this request with a Content-Length");
                return;
            }
        } else {
            try {
                if (Long.parseLong(length) > max) {
                    refuse(context, 413, "the request body is larger than " + max + " bytes");
                    return;
                }
            } catch (NumberFormatException e) {
                refuse(context, 400, "Content-Length is not a number");
                return;
            }
        }
        context.next();
    }

    /** Endpoints that stream their body to the artifact store, with the artifact limit. */
    private static boolean streams(String path) {
        return path.equals("/api/artifacts") || path.equals("/api/datasets");
    }

    private static void refuse(RoutingContext context, int status, String message) {
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("code", ErrorCode.INVALID_ARGUMENT.name()).put("message", message).encode());
    }
}
