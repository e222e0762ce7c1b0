package dev.lodestar.web;

import java.sql.SQLException;

/**
 * Tells a write refused by PostgreSQL because its text holds a character PostgreSQL cannot store (U+0000, which
 * JSON and GraphQL strings may carry as {@code \u0000}) from every other failure, so the caller gets
 * {@code INVALID_ARGUMENT} instead of {@code INTERNAL}. The transaction rolls back: nothing of the request is
 * written.
 */
public final class UnstorableText {

    /** SQL state {@code character_not_in_repertoire}: PostgreSQL's answer to a NUL in text. */
    private static final String NOT_IN_REPERTOIRE = "22021";

    /** What clients are told; the same for every path. */
    public static final String MESSAGE = "text may not hold the character U+0000 (NUL); nothing was written";

    private UnstorableText() {
    }

    /** True if {@code failure}, or anything that caused it, is PostgreSQL refusing a character in text. */
    public static boolean causedBy(Throwable failure) {
        int depth = 0;
        for (Throwable current = failure; current != null && depth < 20; current = current.getCause(), depth++) {
            if (current instanceof SQLException sql) {
                for (SQLException next = sql; next != null; next = next.getNextException()) {
                    if (NOT_IN_REPERTOIRE.equals(next.getSQLState())) {
                        return true;
                    }
                }
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return false;
    }
}
