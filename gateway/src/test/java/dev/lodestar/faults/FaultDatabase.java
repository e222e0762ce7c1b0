package dev.lodestar.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import dev.lodestar.testing.AppProcess;
import dev.lodestar.testing.TestDatabase;

/** Plain SQL against the database a fault scenario's gateways use, to check what was stored behind their back. */
record FaultDatabase(AppProcess.Database database) {

    /** The rows of a query, each as an array of its columns. */
    List<Object[]> query(String statement, Object... args) {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password())) {
            return TestDatabase.query(connection, statement, args);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The number in the first column of the first row, e.g. a {@code count(*)}. */
    long count(String statement, Object... args) {
        return ((Number) query(statement, args).get(0)[0]).longValue();
    }
}
