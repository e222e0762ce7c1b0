package dev.lodestar.graphql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.GraphQLError;
import graphql.language.SourceLocation;

/**
 * A GraphQL error as clients see it: message, locations and path as the specification has them, and only
 * {@code code} in extensions.
 */
record CodedError(String message, List<SourceLocation> locations, List<Object> path, ErrorCode code)
        implements GraphQLError {

    @Override
    public String getMessage() {
        return message;
    }

    @Override
    public List<SourceLocation> getLocations() {
        return locations;
    }

    @Override
    public List<Object> getPath() {
        return path;
    }

    /** graphql-java needs a classification; clients never see it ({@link #toSpecification()} leaves it out). */
    @Override
    public ErrorClassification getErrorType() {
        return code == ErrorCode.INVALID_ARGUMENT ? ErrorType.ValidationError : ErrorType.DataFetchingException;
    }

    @Override
    public Map<String, Object> getExtensions() {
        return Map.of("code", code.name());
    }

    @Override
    public Map<String, Object> toSpecification() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        if (locations != null && !locations.isEmpty()) {
            error.put("locations", locations.stream().map(l -> Map.of("line", l.getLine(), "column", l.getColumn())).toList());
        }
        if (path != null && !path.isEmpty()) {
            error.put("path", path);
        }
        error.put("extensions", getExtensions());
        return error;
    }

    /** The JSON body of a response made only of this error, for answers given before GraphQL runs. */
    static String responseBody(ErrorCode code, String message) {
        return new io.vertx.core.json.JsonObject(Map.of("errors",
                List.of(new CodedError(message, List.of(), List.of(), code).toSpecification()))).encode();
    }
}
