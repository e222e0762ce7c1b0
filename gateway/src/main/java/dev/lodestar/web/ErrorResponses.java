package dev.lodestar.web;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;
import io.quarkus.security.ForbiddenException;

/**
 * The one place REST and page refusals are turned into responses, in the {@link ErrorFormat} of the request's
 * path. Missing authentication is left to Quarkus: bearer requests get 401 with {@code WWW-Authenticate}, admin
 * pages a redirect to the Keycloak login.
 */
public class ErrorResponses {

    private static final Logger LOG = Logger.getLogger(ErrorResponses.class);

    private final List<ErrorFormat> formats;

    ErrorResponses(Instance<ErrorFormat> formats) {
        this.formats = formats.stream().toList();
    }

    @ServerExceptionMapper
    public Response refused(ApiException exception, UriInfo uri) {
        if (exception.code() == ErrorCode.INTERNAL) {
            String requestId = RequestIds.current();
            LOG.errorf("Request %s to %s failed: %s", requestId, uri.getPath(), exception.getMessage());
            return formatFor(uri).render(ErrorCode.INTERNAL,
                    "internal error; the server log has the details under request id " + requestId, uri.getPath());
        }
        return formatFor(uri).render(exception.code(), exception.getMessage(), uri.getPath());
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException exception, UriInfo uri, ResourceInfo resource) {
        String[] roles = rolesAllowed(resource);
        String message = roles.length == 0 ? "your roles do not allow " + uri.getPath()
                : uri.getPath() + " needs one of the roles " + String.join(", ", roles);
        return formatFor(uri).render(ErrorCode.FORBIDDEN, message, uri.getPath());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException exception, UriInfo uri) {
        return formatFor(uri).noSuchEndpoint(uri.getPath());
    }

    /** A method the endpoint does not take: 405 with {@code Allow}, in the path's error format like any refusal. */
    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException exception, UriInfo uri) {
        Set<String> allowed = exception.getResponse().getAllowedMethods();
        String message = allowed.isEmpty() ? uri.getPath() + " does not take this method"
                : uri.getPath() + " takes only " + String.join(", ", new TreeSet<>(allowed));
        Response coded = formatFor(uri).render(ErrorCode.INVALID_ARGUMENT, message, uri.getPath());
        return Response.fromResponse(coded).status(Response.Status.METHOD_NOT_ALLOWED)
                .header("Allow", String.join(", ", allowed)).build();
    }

    /**
     * Anything unexpected: logged with the request id, answered with only that id; a database that cannot be reached
     * is answered {@code UNAVAILABLE} (503).
     */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response internal(RuntimeException exception, UriInfo uri) {
        if (exception instanceof WebApplicationException web) {
            return web.getResponse();
        }
        if (exception instanceof io.quarkus.security.UnauthorizedException
                || exception instanceof io.quarkus.security.AuthenticationFailedException
                || exception instanceof io.quarkus.security.AuthenticationRedirectException) {
            throw exception;
        }
        String requestId = RequestIds.current();
        if (UnstorableText.causedBy(exception)) {
            return formatFor(uri).render(ErrorCode.INVALID_ARGUMENT, UnstorableText.MESSAGE, uri.getPath());
        }
        if (DatabaseOutage.causedBy(exception)) {
            LOG.warnf("Request %s to %s: database unavailable (%s)", requestId, uri.getPath(), exception.getMessage());
            return formatFor(uri).render(ErrorCode.UNAVAILABLE, DatabaseOutage.MESSAGE, uri.getPath());
        }
        LOG.errorf(exception, "Request %s to %s failed", requestId, uri.getPath());
        return formatFor(uri).render(ErrorCode.INTERNAL,
                "internal error; the server log has the details under request id " + requestId, uri.getPath());
    }

    private static String[] rolesAllowed(ResourceInfo resource) {
        if (resource == null || resource.getResourceMethod() == null) {
            return new String[0];
        }
        RolesAllowed roles = resource.getResourceMethod().getAnnotation(RolesAllowed.class);
        if (roles == null) {
            roles = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return roles == null ? new String[0] : roles.value();
    }

    private ErrorFormat formatFor(UriInfo uri) {
        return ErrorFormat.of(formats, uri.getPath());
    }
}
