package dev.lodestar.web;

import java.sql.SQLException;
import java.util.Set;

/**
 * Tells a failure because PostgreSQL cannot be reached (stopped, restarting, the connection cut, no pooled
 * connection within the acquisition timeout) from every other failure, so callers get {@code UNAVAILABLE} and
 * know to retry, instead of {@code INTERNAL}.
 *
 * <p>Such a failure always ends the transaction without a commit: nothing of the request was written.
 */
public final class DatabaseOutage {

    /** The message Agroal gives when no connection could be had within the acquisition timeout. */
    private static final String ACQUISITION_TIMEOUT = "Acquisition timeout";

    /**
     * SQL states of a server that is going away or not there yet: admin shutdown, crash shutdown, cannot connect
     * now (starting up or shutting down).
     */
    private static final Set<String> SERVER_GOING_AWAY = Set.of("57P01", "57P02", "57P03");

    /** What clients are told; the same for every path. */
    public static final String MESSAGE = "the database is unavailable right now; nothing was written, retry in a few seconds";

    private DatabaseOutage() {
    }

    /**
     * True if {@code failure}, anything that caused it, or anything suppressed along the way (a failed commit keeps
     * the driver's error there) says the database cannot be reached.
     */
    public static boolean causedBy(Throwable failure) {
        return causedBy(failure, 0);
    }

    private static boolean causedBy(Throwable failure, int depth) {
        if (failure == null || depth > 20) {
            return false;
        }
        if (failure instanceof org.hibernate.exception.JDBCConnectionException) {
            return true;
        }
        if (failure instanceof SQLException sql) {
            String state = sql.getSQLState();
            if (state != null && (state.startsWith("08") || SERVER_GOING_AWAY.contains(state))) {
                return true;
            }
            if (sql.getMessage() != null && sql.getMessage().startsWith(ACQUISITION_TIMEOUT)) {
                return true;
            }
        }
        for (Throwable suppressed : failure.getSuppressed()) {
            if (causedBy(suppressed, depth + 1)) {
                return true;
            }
        }
        return failure.getCause() != failure && causedBy(failure.getCause(), depth + 1);
    }
}
