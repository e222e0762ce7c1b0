package dev.lodestar.graphql;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import graphql.ErrorType;
import graphql.ExceptionWhileDataFetching;
import graphql.ExecutionResult;
import graphql.ExecutionResultImpl;
import graphql.GraphQLError;
import graphql.execution.NonNullableFieldWasNullError;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.graphql.transformation.TransformException;

/**
 * Gives every GraphQL error the same shape: a message for people and a stable {@link ErrorCode} in
 * {@code extensions.code}, and nothing else (no exception class, no stack trace).
 *
 * <p>Refusals ({@link ApiException}, failed authentication or authorization) keep their message. Malformed
 * documents, unknown fields and badly typed variables are {@code INVALID_ARGUMENT}. Anything unexpected is
 * logged with the request id and shown as {@code INTERNAL} with only that id, except a database that cannot be reached,
 * which is {@code UNAVAILABLE} (see {@link dev.lodestar.web.DatabaseOutage}).
 */
final class ErrorCodes {

    private static final Logger LOG = Logger.getLogger(ErrorCodes.class);

    private ErrorCodes() {
    }

    /** The result with every error rewritten to carry a code. */
    static ExecutionResult rewrite(ExecutionResult result) {
        if (result.getErrors().isEmpty()) {
            return result;
        }
        // A field refused for a badly typed argument also comes back null; when its type is non-null, the engine
        // adds an error for that null as well. The refusal already says what went wrong.
        boolean refusedElsewhere = result.getErrors().stream().anyMatch(e -> !(e instanceof NonNullableFieldWasNullError));
        List<GraphQLError> errors = new ArrayList<>(result.getErrors().size());
        for (GraphQLError error : result.getErrors()) {
            if (!(refusedElsewhere && error instanceof NonNullableFieldWasNullError)) {
                errors.add(withCode(error));
            }
        }
        return ExecutionResultImpl.newExecutionResult().from(result).errors(errors).build();
    }

    private static GraphQLError withCode(GraphQLError error) {
        ErrorCode code;
        String message;
        if (error instanceof ExceptionWhileDataFetching fetching) {
            Throwable cause = unwrap(fetching.getException());
            if (cause instanceof ApiException api) {
                code = api.code();
                message = api.getMessage();
            } else if (cause instanceof UnauthorizedException || cause instanceof AuthenticationFailedException) {
                code = ErrorCode.UNAUTHENTICATED;
                message = "authentication required: send a valid bearer token";
            } else if (cause instanceof ForbiddenException) {
                code = ErrorCode.FORBIDDEN;
                message = "your roles do not allow " + fieldOf(error);
            } else if (cause instanceof TransformException) {
                code = ErrorCode.INVALID_ARGUMENT;
                message = cause.getMessage();
            } else if (cause instanceof CoercingParseLiteralException || cause instanceof CoercingParseValueException) {
                // An argument the scalar cannot hold, such as an Int past 2^31 - 1.
                code = ErrorCode.INVALID_ARGUMENT;
                message = String.valueOf(cause.getMessage()).replaceFirst("^SRGQL\\d+: ", "");
            } else if (dev.lodestar.web.UnstorableText.causedBy(cause)) {
                code = ErrorCode.INVALID_ARGUMENT;
                message = dev.lodestar.web.UnstorableText.MESSAGE;
            } else if (dev.lodestar.web.DatabaseOutage.causedBy(cause)) {
                code = ErrorCode.UNAVAILABLE;
                message = dev.lodestar.web.DatabaseOutage.MESSAGE;
                LOG.warnf("Request %s at %s: database unavailable (%s)", dev.lodestar.web.RequestIds.current(),
                        fieldOf(error), cause.getMessage());
            } else {
                code = ErrorCode.INTERNAL;
                String requestId = dev.lodestar.web.RequestIds.current();
                LOG.errorf(cause, "Request %s failed at %s", requestId, fieldOf(error));
                message = "internal error; the server log has the details under request id " + requestId;
            }
        } else if (error.getErrorType() == ErrorType.InvalidSyntax || error.getErrorType() == ErrorType.ValidationError) {
            code = ErrorCode.INVALID_ARGUMENT;
            message = error.getMessage();
        } else if (error.getErrorType() == ErrorType.ExecutionAborted) {
            code = ErrorCode.INVALID_ARGUMENT;
            message = error.getMessage();
        } else {
            code = ErrorCode.INTERNAL;
            String requestId = dev.lodestar.web.RequestIds.current();
            LOG.errorf("Request %s: %s", requestId, error.getMessage());
            message = "internal error; the server log has the details under request id " + requestId;
        }
        return new CodedError(message, error.getLocations(), error.getPath(), code);
    }

    private static Throwable unwrap(Throwable throwable) {
        Throwable current = throwable;
        while (current.getCause() != null && current.getCause() != current
                && !(current instanceof ApiException) && isWrapper(current)) {
            current = current.getCause();
        }
        return current;
    }

    private static boolean isWrapper(Throwable throwable) {
        return throwable instanceof java.util.concurrent.CompletionException
                || throwable instanceof java.util.concurrent.ExecutionException
                || throwable.getClass() == RuntimeException.class
                || throwable instanceof jakarta.transaction.RollbackException
                || throwable instanceof io.quarkus.arc.ArcUndeclaredThrowableException;
    }

    private static String fieldOf(GraphQLError error) {
        List<Object> path = error.getPath();
        return path == null || path.isEmpty() ? "this operation" : "'" + path.get(path.size() - 1) + "'";
    }
}
