package dev.lodestar.web;

import java.util.Collection;
import java.util.Comparator;

import jakarta.ws.rs.core.Response;

import dev.lodestar.graphql.ErrorCode;
import io.vertx.core.json.JsonObject;

/**
 * How refusals look to the clients of one part of the HTTP surface: HTML pages under {@code /admin}, MLflow's JSON
 * under {@code /api/2.0/mlflow}, Lodestar's JSON elsewhere. {@link ErrorResponses} picks the format whose prefix
 * matches the request path most closely.
 */
public interface ErrorFormat {

    /** Path prefix of the requests this format answers. */
    String pathPrefix();

    /** The response for a refusal with {@code code} and a message for people. */
    Response render(ErrorCode code, String message, String path);

    /** The response for a request to no endpoint at all; by default a plain {@code NOT_FOUND}. */
    default Response noSuchEndpoint(String path) {
        return render(ErrorCode.NOT_FOUND, "nothing at " + path, path);
    }

    /**
     * The JSON body of a refusal written before any endpoint runs (a body over its limit); Lodestar's
     * {@code {"code": ..., "message": ...}} unless the format's clients read another shape.
     */
    default String refusalJson(ErrorCode code, String message) {
        return new JsonObject().put("code", code.name()).put("message", message).encode();
    }

    /** Of {@code formats}, the one whose prefix matches {@code path} most closely. */
    static ErrorFormat of(Collection<? extends ErrorFormat> formats, String path) {
        return formats.stream().filter(f -> path.startsWith(f.pathPrefix()))
                .max(Comparator.comparingInt((ErrorFormat f) -> f.pathPrefix().length()))
                .orElseThrow(() -> new IllegalStateException("no error format for " + path));
    }

    /** The HTTP status of each code. */
    static Response.Status statusOf(ErrorCode code) {
        return switch (code) {
            case UNAUTHENTICATED -> Response.Status.UNAUTHORIZED;
            case FORBIDDEN -> Response.Status.FORBIDDEN;
            case NOT_FOUND -> Response.Status.NOT_FOUND;
            case INVALID_ARGUMENT, LIMIT_EXCEEDED -> Response.Status.BAD_REQUEST;
            case CONFLICT -> Response.Status.CONFLICT;
            case UNAVAILABLE, TIMEOUT -> Response.Status.SERVICE_UNAVAILABLE;
            case INTERNAL -> Response.Status.INTERNAL_SERVER_ERROR;
        };
    }
}
