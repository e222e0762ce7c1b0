package dev.lodestar.web;

import java.net.URI;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;

/**
 * Refuses admin form posts that a browser says come from another site: the {@code Origin} header (or, without
 * it, the {@code Referer}) must name the host the request was sent to. Requests naming neither pass on to the
 * form token check of {@link FormTokens}, which every admin form performs.
 */
public class SameOriginPosts {

    @ServerRequestFilter
    public void check(ContainerRequestContext request) {
        if (!"POST".equals(request.getMethod()) || !request.getUriInfo().getPath().startsWith("/admin")) {
            return;
        }
        String origin = request.getHeaderString("Origin");
        if (origin == null || origin.isBlank() || "null".equals(origin)) {
            origin = request.getHeaderString("Referer");
        }
        if (origin == null || origin.isBlank()) {
            return;
        }
        String host = request.getHeaderString(HttpHeaders.HOST);
        if (host == null || !host.equalsIgnoreCase(authorityOf(origin))) {
            throw new ApiException(ErrorCode.FORBIDDEN, "this form was sent from another site");
        }
    }

    private static String authorityOf(String address) {
        try {
            return URI.create(address.trim()).getRawAuthority();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
