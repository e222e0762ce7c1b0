package dev.lodestar.audit;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Seals audit events into the hash chain and verifies it, over plain JDBC on a connection the caller provides
 * (the gateway's pool, or a benchmark's own). Works on the tables of the connection's search path.
 *
 * <p>Sealing takes events in the order their transactions made them visible: writers only insert their event
 * (its insert also queues it in {@code audit_unsealed}) and never wait for the chain. One sealer at a time
 * extends the chain, under a transaction-scoped advisory lock, so several gateways can run the sealer.
 */
public final class AuditChain {

    /** Advisory lock key of the sealer ("LODESTAR" in ASCII). */
    private static final long SEALER_LOCK = 0x4C4F444553544152L;

    private static final String EVENT_COLUMNS = "e.sequence, e.at, e.actor_subject, e.actor_name, e.actor_roles, e.action,"
            + " e.resource_type, e.resource_id, e.before::text, e.after::text, e.reason, e.request_id, e.client_address";

    private AuditChain() {
    }

    /**
     * Seals up to {@code max} waiting events, oldest first, in one transaction; returns how many were sealed (0 if
     * another sealer holds the lock). The connection's auto-commit is restored afterwards.
     */
    public static int seal(Connection db, int max) throws SQLException {
        boolean autoCommit = db.getAutoCommit();
        db.setAutoCommit(false);
        try {
            int sealed = sealInTransaction(db, max);
            db.commit();
            return sealed;
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(autoCommit);
        }
    }

    private static int sealInTransaction(Connection db, int max) throws SQLException {
        try (Statement lock = db.createStatement(); ResultSet got = lock.executeQuery("select pg_try_advisory_xact_lock(" + SEALER_LOCK + ")")) {
            got.next();
            if (!got.getBoolean(1)) {
                return 0;
            }
        }
        long position = 0;
        String hash = AuditChainFormat.GENESIS;
        try (Statement head = db.createStatement();
                ResultSet last = head.executeQuery("select position, hash from audit_seal order by position desc limit 1")) {
            if (last.next()) {
                position = last.getLong(1);
                hash = last.getString(2);
            }
        }
        List<Long> sequences = new ArrayList<>();
        AuditChainFormat.Hasher hasher = new AuditChainFormat.Hasher();
        StringBuilder canonical = new StringBuilder(512);
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement waiting = db.prepareStatement("select " + EVENT_COLUMNS
                + " from audit_unsealed u join audit_event e on e.sequence = u.sequence order by u.sequence limit ?");
                PreparedStatement insert = db.prepareStatement("insert into audit_seal (position, sequence, hash, sealed_at) values (?, ?, ?, ?)")) {
            waiting.setInt(1, max);
            try (ResultSet events = waiting.executeQuery()) {
                while (events.next()) {
                    AuditChainFormat.Event event = event(events);
                    hash = hasher.next(hash, AuditChainFormat.canonical(event, canonical));
                    insert.setLong(1, ++position);
                    insert.setLong(2, event.sequence());
                    insert.setString(3, hash);
                    insert.setTimestamp(4, now);
                    insert.addBatch();
                    sequences.add(event.sequence());
                }
            }
            if (sequences.isEmpty()) {
                return 0;
            }
            insert.executeBatch();
        }
        try (PreparedStatement done = db.prepareStatement("delete from audit_unsealed where sequence = any(?)")) {
            Array array = db.createArrayOf("bigint", sequences.toArray());
            done.setArray(1, array);
            done.executeUpdate();
        }
        return sequences.size();
    }

    /**
     * Recomputes the whole chain in position order and compares it with the stored hashes; also checks that every
     * event is either sealed or waiting for its seal. Streams the chain, so memory stays flat however long it is.
     */
    public static Verification verify(Connection db) throws SQLException {
        boolean autoCommit = db.getAutoCommit();
        db.setAutoCommit(false);
        try (Statement statement = db.createStatement()) {
            statement.execute("set transaction isolation level repeatable read, read only");
            Verification result = verifyInSnapshot(db);
            db.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(autoCommit);
        }
    }

    private static Verification verifyInSnapshot(Connection db) throws SQLException {
        AuditChainFormat.Hasher hasher = new AuditChainFormat.Hasher();
        StringBuilder canonical = new StringBuilder(512);
        String hash = AuditChainFormat.GENESIS;
        long position = 0;
        try (PreparedStatement chain = db.prepareStatement("select s.position, s.sequence, s.hash, e.sequence is null, " + EVENT_COLUMNS
                + " from audit_seal s left join audit_event e on e.sequence = s.sequence order by s.position")) {
            chain.setFetchSize(10_000);
            try (ResultSet rows = chain.executeQuery()) {
                while (rows.next()) {
                    long at = rows.getLong(1);
                    long sequence = rows.getLong(2);
                    String stored = rows.getString(3);
                    if (at != position + 1) {
                        return Verification.broken(position, sequence, "the chain jumps from position " + position + " to " + at
                                + ": sealed events before event " + sequence + " were removed");
                    }
                    if (rows.getBoolean(4)) {
                        return Verification.broken(position, sequence, "event " + sequence + " (position " + at + ") was removed");
                    }
                    String computed = hasher.next(hash, AuditChainFormat.canonical(event(rows, 5), canonical));
                    if (!computed.equals(stored)) {
                        return Verification.broken(position, sequence, "event " + sequence + " (position " + at
                                + ") was altered, or events before it were reordered: its content no longer hashes to its seal");
                    }
                    hash = stored;
                    position = at;
                }
            }
        }
        try (Statement counts = db.createStatement(); ResultSet row = counts.executeQuery("select (select count(*) from audit_event),"
                + " (select count(*) from audit_unsealed), (select min(e.sequence) from audit_event e where not exists"
                + " (select 1 from audit_seal s where s.sequence = e.sequence) and not exists"
                + " (select 1 from audit_unsealed u where u.sequence = e.sequence))")) {
            row.next();
            long events = row.getLong(1);
            long waiting = row.getLong(2);
            long stray = row.getLong(3);
            if (!row.wasNull()) {
                return Verification.broken(position, stray, "event " + stray
                        + " is neither sealed nor waiting for its seal: it was written around the audit log");
            }
            return new Verification(true, position, null, null, position, hash, waiting, events);
        }
    }

    /** The event in the current row, its columns starting at {@code first}. */
    private static AuditChainFormat.Event event(ResultSet row, int first) throws SQLException {
        Timestamp at = row.getTimestamp(first + 1);
        Array roles = row.getArray(first + 4);
        return new AuditChainFormat.Event(row.getLong(first), AuditChainFormat.at(at.toInstant()), row.getString(first + 2),
                row.getString(first + 3), AuditChainFormat.roles((String[]) roles.getArray()), row.getString(first + 5),
                row.getString(first + 6), row.getString(first + 7), row.getString(first + 8), row.getString(first + 9),
                row.getString(first + 10), row.getString(first + 11), row.getString(first + 12));
    }

    private static AuditChainFormat.Event event(ResultSet row) throws SQLException {
        return event(row, 1);
    }

    /**
     * The outcome of verifying the chain.
     *
     * @param ok                  the chain is intact and every event is sealed or waiting
     * @param checked             sealed events whose hashes were recomputed and matched
     * @param firstBrokenSequence the first event found altered, removed, reordered or unsealed; null when ok
     * @param problem             what is wrong, for people; null when ok
     * @param headPosition        position of the last intact seal
     * @param headHash            hash at that position: record it to detect later rewrites of the whole chain
     * @param waiting             events committed but not sealed yet (sealing trails commits by under a second)
     * @param events              events in the trail
     */
    public record Verification(boolean ok, long checked, Long firstBrokenSequence, String problem, long headPosition,
            String headHash, long waiting, long events) {

        static Verification broken(long intactUpTo, long sequence, String problem) {
            return new Verification(false, intactUpTo, sequence, problem, intactUpTo, null, 0, 0);
        }
    }
}
