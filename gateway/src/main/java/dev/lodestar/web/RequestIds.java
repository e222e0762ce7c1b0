package dev.lodestar.web;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is a plausible id, a new UUID
 * otherwise. The id is echoed in the response, written into audit events and quoted in internal errors, so a
 * user's report can be matched with the server log.
 */
@ApplicationScoped
public class RequestIds {

    /** The header carrying the id, in requests and responses. */
    public static final String HEADER = "X-Request-Id";

    private static final String KEY = "lodestar.request-id";
    private static final Pattern PLAUSIBLE = Pattern.compile("[A-Za-z0-9._:-]{8,128}");

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 10).handler(RequestIds::assign);
    }

    private static void assign(RoutingContext context) {
        String offered = context.request().getHeader(HEADER);
        String id = offered != null && PLAUSIBLE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
        context.put(KEY, id);
        context.response().putHeader(HEADER, id);
        context.next();
    }

    /** The id of the request being served, or {@code "-"} outside a request. */
    public static String current() {
        RoutingContext context = currentContext();
        return context == null || context.get(KEY) == null ? "-" : context.get(KEY);
    }

    /** The address of the client of the request being served, or null outside a request. */
    public static String clientAddress() {
        RoutingContext context = currentContext();
        if (context == null) {
            return null;
        }
        SocketAddress address = context.request().remoteAddress();
        return address == null ? null : address.hostAddress();
    }

    private static RoutingContext currentContext() {
        if (!Arc.container().requestContext().isActive()) {
            return null;
        }
        try (InstanceHandle<CurrentVertxRequest> request = Arc.container().instance(CurrentVertxRequest.class)) {
            return request.isAvailable() ? request.get().getCurrent() : null;
        }
    }
}
