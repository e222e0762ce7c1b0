package dev.lodestar.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.lodestar.graphql.ErrorCode;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * Refusals of admin pages as pages: 403 says which roles the user has and that an admin grants roles, 404 that
 * there is nothing at the address, 500 gives only the request id to report; other refusals show their message.
 */
@ApplicationScoped
public class AdminErrorPages implements ErrorFormat {

    @CheckedTemplate(basePath = "errors")
    static class Templates {
        static native TemplateInstance forbidden(String path, String message);

        static native TemplateInstance notFound(String path);

        static native TemplateInstance internal(String requestId);

        static native TemplateInstance refused(String message);
    }

    @Override
    public String pathPrefix() {
        return "/admin";
    }

    @Override
    public Response render(ErrorCode code, String message, String path) {
        TemplateInstance page = switch (code) {
            case FORBIDDEN -> Templates.forbidden(path, message);
            case NOT_FOUND -> Templates.notFound(path);
            case INTERNAL -> Templates.internal(RequestIds.current());
            default -> Templates.refused(message);
        };
        return Response.status(ErrorFormat.statusOf(code)).type(MediaType.TEXT_HTML_TYPE).entity(page).build();
    }
}
