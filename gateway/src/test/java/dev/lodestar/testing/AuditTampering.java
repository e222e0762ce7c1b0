package dev.lodestar.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import dev.lodestar.devstack.TestStack;

/** Changes the audit tables behind Lodestar's back, as tests of tamper evidence need to. */
public final class AuditTampering {

    private AuditTampering() {
    }

    /**
     * Runs statements the way someone with the database owner's password could: with the audit tables' own
     * triggers switched off for the length of one transaction.
     */
    public static void tamper(String... statements) throws SQLException {
        TestStack.Addresses stack = TestStack.get();
        try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
                Statement statement = db.createStatement()) {
            db.setAutoCommit(false);
            statement.execute("alter table audit_event disable trigger user");
            statement.execute("alter table audit_seal disable trigger user");
            for (String sql : statements) {
                statement.execute(sql);
            }
            statement.execute("alter table audit_event enable trigger user");
            statement.execute("alter table audit_seal enable trigger user");
            db.commit();
        }
    }
}
