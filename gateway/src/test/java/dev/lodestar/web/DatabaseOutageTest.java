package dev.lodestar.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

import jakarta.persistence.PersistenceException;

/**
 * Which failures count as "the database cannot be reached" (answered UNAVAILABLE, safe to retry) and which do
 * not (a refused statement is the request's own fault or a bug, and retrying it changes nothing).
 */
class DatabaseOutageTest {

    @Test
    void connectionFailuresAndAServerGoingAwayAreOutagesAtAnyDepth() {
        assertThat(DatabaseOutage.causedBy(new PSQLException("Connection to localhost:5432 refused",
                PSQLState.CONNECTION_UNABLE_TO_CONNECT))).isTrue();
        assertThat(DatabaseOutage.causedBy(new PersistenceException(new JDBCConnectionException("could not open",
                new SQLException("I/O error", "08006"))))).isTrue();
        assertThat(DatabaseOutage.causedBy(new RuntimeException(new SQLException(
                "FATAL: terminating connection due to administrator command", "57P01")))).isTrue();
        assertThat(DatabaseOutage.causedBy(new SQLException("FATAL: the database system is starting up", "57P03"))).isTrue();
        assertThat(DatabaseOutage.causedBy(new SQLException(
                "Acquisition timeout while waiting for new connection"))).isTrue();
    }

    @Test
    void aCommitCutOffByTheServerIsAnOutageThoughTheDriverErrorIsOnlySuppressed() {
        // What a failed commit looks like: a rollback without a cause, the driver's error suppressed on it.
        RuntimeException rollback = new RuntimeException("ARJUNA016053: Could not commit transaction.");
        Exception commit = new Exception("Error trying to transactionCommit local transaction");
        commit.initCause(new SQLException("FATAL: terminating connection due to administrator command", "57P01"));
        rollback.addSuppressed(commit);
        assertThat(DatabaseOutage.causedBy(rollback)).isTrue();
    }

    @Test
    void refusedStatementsAndOtherFailuresAreNot() {
        assertThat(DatabaseOutage.causedBy(new PSQLException("duplicate key value", PSQLState.UNIQUE_VIOLATION))).isFalse();
        assertThat(DatabaseOutage.causedBy(new SQLException("canceling statement due to statement timeout", "57014"))).isFalse();
        assertThat(DatabaseOutage.causedBy(new IllegalStateException("no"))).isFalse();
    }
}
