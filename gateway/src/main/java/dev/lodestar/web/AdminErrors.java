package dev.lodestar.web;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.lodestar.identity.Roles;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;

/**
 * Refusals of admin pages as pages: a role that may not see a page gets 403 with a plain explanation (which
 * roles would do, whom to ask), an unknown resource gets 404, a failure 500 with the request id to report.
 * Other paths keep their own error formats.
 */
public class AdminErrors {

    private static final Logger LOG = Logger.getLogger(AdminErrors.class);

    @CheckedTemplate(basePath = "errors")
    static class Templates {
        static native TemplateInstance forbidden(String path, String needed);

        static native TemplateInstance notFound(String path);

        static native TemplateInstance internal(String requestId);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException exception, UriInfo uri) {
        if (!isAdmin(uri)) {
            return null;
        }
        String needed = String.join(", ", Roles.DATA_SCIENTIST, Roles.APPROVER, Roles.AUDITOR, Roles.ADMIN);
        return Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_HTML_TYPE)
                .entity(Templates.forbidden(uri.getPath(), needed)).build();
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException exception, UriInfo uri) {
        if (!isAdmin(uri)) {
            return null;
        }
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.TEXT_HTML_TYPE)
                .entity(Templates.notFound(uri.getPath())).build();
    }

    /** Anything unexpected on an admin page: logged with the request id, shown with only that id. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response internal(RuntimeException exception, UriInfo uri) {
        if (!isAdmin(uri) || exception instanceof jakarta.ws.rs.WebApplicationException
                || exception instanceof io.quarkus.security.AuthenticationFailedException
                || exception instanceof io.quarkus.security.UnauthorizedException
                || exception instanceof io.quarkus.security.AuthenticationRedirectException) {
            return null;
        }
        String requestId = RequestIds.current();
        LOG.errorf(exception, "Request %s to %s failed", requestId, uri.getPath());
        return Response.serverError().type(MediaType.TEXT_HTML_TYPE).entity(Templates.internal(requestId)).build();
    }

    private static boolean isAdmin(UriInfo uri) {
        return uri.getPath().startsWith("/admin");
    }
}
