package dev.lodestar.web;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.lodestar.graphql.ErrorCode;

/** Lodestar's JSON refusals for its REST endpoints: {@code {"code": "NOT_FOUND", "message": "..."}}. */
@ApplicationScoped
public class JsonErrorFormat implements ErrorFormat {

    @Override
    public String pathPrefix() {
        return "/";
    }

    @Override
    public Response render(ErrorCode code, String message, String path) {
        return Response.status(ErrorFormat.statusOf(code)).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("code", code.name(), "message", message)).build();
    }
}
