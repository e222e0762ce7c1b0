package dev.lodestar.mlflow;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.lodestar.graphql.ErrorCode;
import dev.lodestar.web.ErrorFormat;
import io.vertx.core.json.JsonObject;

/**
 * Refusals under {@code /api/2.0/mlflow} in MLflow's JSON and statuses, so MLflow clients raise the exceptions
 * they know: {@code {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "..."}} with 404, and so on
 * ({@link MlflowErrorCode}).
 */
@ApplicationScoped
public class MlflowErrorFormat implements ErrorFormat {

    /** Where the MLflow REST API lives. */
    public static final String PREFIX = "/api/2.0/mlflow";

    @Override
    public String pathPrefix() {
        return PREFIX;
    }

    @Override
    public Response render(ErrorCode code, String message, String path) {
        return MlflowErrorCode.of(code).render(message);
    }

    @Override
    public String refusalJson(ErrorCode code, String message) {
        return new JsonObject().put("error_code", MlflowErrorCode.of(code).name()).put("message", message).encode();
    }

    @Override
    public Response noSuchEndpoint(String path) {
        return MlflowErrorCode.ENDPOINT_NOT_FOUND.render("Lodestar serves no MLflow endpoint " + path);
    }

    /** Refusals raised in MLflow's own terms. */
    @ServerExceptionMapper
    public Response refused(MlflowException exception) {
        return exception.code().render(exception.getMessage());
    }
}
