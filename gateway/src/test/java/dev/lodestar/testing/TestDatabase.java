package dev.lodestar.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.lodestar.devstack.TestStack;

/**
 * Plain SQL against the test stack's PostgreSQL, for tests that check what was (or was not) stored, or that change
 * rows behind the application's back. Each call opens its own connection.
 */
public final class TestDatabase {

    private TestDatabase() {
    }

    /** The rows of a query, each as an array of its columns. */
    public static List<Object[]> query(String statement, Object... args) {
        try (Connection connection = connect()) {
            return query(connection, statement, args);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The rows of a query on {@code connection} (any database, not only the stack's), each as an array of its columns. */
    public static List<Object[]> query(Connection connection, String statement, Object... args) throws SQLException {
        try (PreparedStatement prepared = prepare(connection, statement, args); ResultSet result = prepared.executeQuery()) {
            int columns = result.getMetaData().getColumnCount();
            List<Object[]> rows = new ArrayList<>();
            while (result.next()) {
                Object[] row = new Object[columns];
                for (int c = 0; c < columns; c++) {
                    row[c] = result.getObject(c + 1);
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** The number a query answers in its first column of its first row, e.g. a {@code count(*)}. */
    public static long count(String statement, Object... args) {
        return ((Number) query(statement, args).get(0)[0]).longValue();
    }

    /** Runs one changing statement; returns how many rows it changed. */
    public static int update(String statement, Object... args) {
        try (Connection connection = connect(); PreparedStatement prepared = prepare(connection, statement, args)) {
            return prepared.executeUpdate();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static PreparedStatement prepare(Connection connection, String statement, Object... args) throws SQLException {
        PreparedStatement prepared = connection.prepareStatement(statement);
        for (int i = 0; i < args.length; i++) {
            prepared.setObject(i + 1, args[i]);
        }
        return prepared;
    }

    private static Connection connect() throws SQLException {
        TestStack.Addresses stack = TestStack.get();
        return DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
    }
}
