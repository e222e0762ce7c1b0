package dev.lodestar.graphql;

/** The stable error codes clients see in {@code extensions.code}. */
public enum ErrorCode {
    /** No valid token. */
    UNAUTHENTICATED,
    /** A valid token whose roles do not admit the operation. */
    FORBIDDEN,
    /** The named resource does not exist. */
    NOT_FOUND,
    /** The request is malformed: a value out of range, a bad filter, an unknown field. */
    INVALID_ARGUMENT,
    /** The request contradicts the current state: a duplicate name, a changed param, an archived experiment. */
    CONFLICT,
    /**
     * The database cannot be reached right now (stopped, restarting, or every connection busy past the acquisition
     * timeout). Nothing was written; the same request may be sent again.
     */
    UNAVAILABLE,
    /** The document is over one of the configured limits (size, depth, fields, aliases, operations); nothing ran. */
    LIMIT_EXCEEDED,
    /** The request resolved for longer than {@code lodestar.graphql.max-execution-time}; fields after that were not resolved. */
    TIMEOUT,
    /** Anything else; the message carries a request id to find the details in the server log. */
    INTERNAL
}
