package dev.lodestar.mlflow;

import dev.lodestar.graphql.ApiException;

/**
 * A refusal in MLflow's terms, for the cases Lodestar's own error codes do not tell apart (an existing name, a
 * malformed body, an operation not offered). Like {@link ApiException}, it carries no stack
 * trace and clients see only its code and message.
 */
public class MlflowException extends RuntimeException {

    private final MlflowErrorCode code;

    public MlflowException(MlflowErrorCode code, String message) {
        super(ApiException.shortened(message), null, false, false);
        this.code = code;
    }

    public MlflowErrorCode code() {
        return code;
    }
}
