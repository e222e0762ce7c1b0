package dev.lodestar.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.lodestar.testing.AppProcess;

/** Plain SQL against the database a fault scenario's gateways use, to check what was stored behind their back. */
record FaultDatabase(AppProcess.Database database) {

    /** The rows of a query, each as an array of its columns. */
    List<Object[]> query(String statement, Object... args) {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
                PreparedStatement prepared = connection.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                prepared.setObject(i + 1, args[i]);
            }
            try (ResultSet result = prepared.executeQuery()) {
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
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The number in the first column of the first row, e.g. a {@code count(*)}. */
    long count(String statement, Object... args) {
        return ((Number) query(statement, args).get(0)[0]).longValue();
    }
}
