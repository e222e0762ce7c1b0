package dev.lodestar.mlflow;

import jakarta.ws.rs.core.Response;

import dev.lodestar.graphql.ErrorCode;

/** The MLflow error codes Lodestar answers with, each with the HTTP status the MLflow server gives it. */
public enum MlflowErrorCode {
    /** The named experiment, run, model, version or alias does not exist. */
    RESOURCE_DOES_NOT_EXIST(404),
    /** No such endpoint (or not one Lodestar serves). */
    ENDPOINT_NOT_FOUND(404),
    /** A value is missing, malformed or contradicts the current state. */
    INVALID_PARAMETER_VALUE(400),
    /** A name that is already taken. */
    RESOURCE_ALREADY_EXISTS(400),
    /** The request body is not JSON. */
    BAD_REQUEST(400),
    /** The caller's roles do not allow the operation, or Lodestar's policy reserves it (protected aliases). */
    PERMISSION_DENIED(403),
    /** No valid bearer token. */
    UNAUTHENTICATED(401),
    /** An MLflow operation Lodestar deliberately does not offer (deleting registry history, renaming models). */
    NOT_IMPLEMENTED(501),
    /** The database cannot be reached right now; MLflow clients retry this code. */
    TEMPORARILY_UNAVAILABLE(503),
    /** Anything else; the message carries the request id to look up in the server log. */
    INTERNAL_ERROR(500);

    private final int httpStatus;

    MlflowErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status of responses with this code. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The MLflow code of a Lodestar refusal. {@code CONFLICT} becomes {@code INVALID_PARAMETER_VALUE}, as the MLflow
     * server answers a changed param or a write to an inactive run; duplicate names are told apart where they can
     * happen and answered {@link #RESOURCE_ALREADY_EXISTS}.
     */
    public static MlflowErrorCode of(ErrorCode code) {
        return switch (code) {
            case UNAUTHENTICATED -> UNAUTHENTICATED;
            case FORBIDDEN -> PERMISSION_DENIED;
            case NOT_FOUND -> RESOURCE_DOES_NOT_EXIST;
            case INVALID_ARGUMENT, CONFLICT, LIMIT_EXCEEDED -> INVALID_PARAMETER_VALUE;
            case UNAVAILABLE -> TEMPORARILY_UNAVAILABLE;
            case INTERNAL, TIMEOUT -> INTERNAL_ERROR;
        };
    }

    /** MLflow's error body: {@code {"error_code": "...", "message": "..."}}. */
    Response render(String message) {
        return Response.status(httpStatus).type("application/json")
                .entity(new MlflowMessages.Error(name(), message)).build();
    }
}
