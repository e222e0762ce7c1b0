package dev.lodestar.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

    private static final String EVENT_COLUMNS = "e.sequence,"
            + " to_char(e.at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), e.actor_subject, e.actor_name,"
            + " e.actor_roles::text, e.action, e.resource_type, e.resource_id, e.before::text, e.after::text, e.reason, e.request_id,"
            + " e.client_address";

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
        AuditChainFormat.CanonicalBytes canonical = new AuditChainFormat.CanonicalBytes();
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement waiting = db.prepareStatement("select " + EVENT_COLUMNS
                + " from audit_unsealed u join audit_event e on e.sequence = u.sequence order by u.sequence limit ?");
                PreparedStatement insert = db.prepareStatement("insert into audit_seal (position, sequence, hash, sealed_at) values (?, ?, ?, ?)")) {
            waiting.setInt(1, max);
            try (ResultSet events = waiting.executeQuery()) {
                while (events.next()) {
                    long sequence = events.getLong(1);
                    hash = hasher.next(hash, canonicalBytes(events, canonical));
                    insert.setLong(1, ++position);
                    insert.setLong(2, sequence);
                    insert.setString(3, hash);
                    insert.setTimestamp(4, now);
                    insert.addBatch();
                    sequences.add(sequence);
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

    /** Opens connections to the audit tables, each on the same search path. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    /** Rows checked per task: big enough to stream well, small enough to spread over the workers. */
    private static final int CHUNK = 50_000;

    /**
     * Recomputes every seal from the stored events and names the first event altered, removed, reordered or
     * written around the log. All reads share one snapshot (exported by the first connection), so the answer is
     * that of a single instant even though stretches of the chain are checked in parallel: each seal's hash
     * depends only on the stored hash before it and the event's content, so stretches check independently, and
     * the lowest broken position among them is the first break of the whole chain.
     */
    public static Verification verify(Connections connections, int workers) throws SQLException {
        try (Connection db = connections.open()) {
            db.setAutoCommit(false);
            try (Statement statement = db.createStatement()) {
                statement.execute("set transaction isolation level repeatable read, read only");
                String snapshot;
                long last;
                try (ResultSet row = statement.executeQuery("select pg_export_snapshot(), coalesce(max(position), 0) from audit_seal")) {
                    row.next();
                    snapshot = row.getString(1);
                    last = row.getLong(2);
                }
                List<long[]> chunks = new ArrayList<>();
                for (long from = 1; from <= last; from += CHUNK) {
                    chunks.add(new long[] { from, Math.min(last, from + CHUNK - 1) });
                }
                ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(workers, chunks.size())));
                try {
                    List<Future<Stretch>> checks = new ArrayList<>();
                    for (long[] chunk : chunks) {
                        checks.add(pool.submit(() -> checkStretch(connections, snapshot, chunk[0], chunk[1])));
                    }
                    long checked = 0;
                    String head = AuditChainFormat.GENESIS;
                    for (Future<Stretch> check : checks) {
                        Stretch stretch = check.get();
                        if (stretch.broken() != null) {
                            Verification broken = stretch.broken();
                            return Verification.broken(checked + broken.checked(), broken.firstBrokenSequence(), broken.problem());
                        }
                        checked += stretch.checked();
                        head = stretch.lastHash();
                    }
                    Verification result = unsealed(db, checked, head);
                    db.commit();
                    return result;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while verifying the audit chain", e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof SQLException sql) {
                        throw sql;
                    }
                    throw new IllegalStateException("verifying the audit chain failed", e.getCause());
                } finally {
                    pool.shutdownNow();
                }
            } finally {
                if (!db.isClosed()) {
                    db.rollback();
                }
            }
        }
    }

    /** The outcome of checking positions {@code from} to {@code to}: how many matched, its last hash, or its first break. */
    private record Stretch(long checked, String lastHash, Verification broken) {
    }

    /**
     * Checks positions {@code from} to {@code to}: reads the stretch's seals (and the hash before it), then the
     * events in the stretch's range of sequence numbers, each checked against the stored hash before its own. Two
     * range scans instead of a lookup per event; the events may come in any order, since every check stands alone.
     */
    private static Stretch checkStretch(Connections connections, String snapshot, long from, long to) throws SQLException {
        try (Connection db = connections.open()) {
            db.setAutoCommit(false);
            try (Statement statement = db.createStatement()) {
                statement.execute("set transaction isolation level repeatable read, read only");
                statement.execute("set transaction snapshot '" + snapshot + "'");
                statement.execute("set local max_parallel_workers_per_gather = 0");
                String before = AuditChainFormat.GENESIS;
                if (from > 1) {
                    try (ResultSet row = statement.executeQuery("select hash from audit_seal where position = " + (from - 1))) {
                        before = row.next() ? row.getString(1) : null;
                    }
                }
                int size = Math.toIntExact(to - from + 1);
                long[] sequences = new long[size];
                String[] hashes = new String[size];
                Map<Long, Integer> indexOf = new HashMap<>(size * 2);
                int count = 0;
                try (ResultSet seals = statement.executeQuery("select position, sequence, hash from audit_seal where position between "
                        + from + " and " + to + " order by position")) {
                    while (seals.next()) {
                        long position = seals.getLong(1);
                        long sequence = seals.getLong(2);
                        if (position != from + count || before == null) {
                            return broken(from, from + count, Verification.broken(0, sequence, "the chain jumps from position "
                                    + (from + count - 1) + " to " + position + ": sealed events before event " + sequence + " were removed"));
                        }
                        sequences[count] = sequence;
                        hashes[count] = seals.getString(3);
                        indexOf.put(sequence, count++);
                    }
                }
                if (count < size) {
                    try (ResultSet next = statement.executeQuery("select sequence from audit_seal where position > " + to
                            + " order by position limit 1")) {
                        long sequence = next.next() ? next.getLong(1) : -1;
                        return broken(from, from + count, Verification.broken(0, sequence, "the chain jumps from position "
                                + (from + count - 1) + ": sealed events after it were removed"));
                    }
                }
                long lowest = Long.MAX_VALUE;
                long highest = Long.MIN_VALUE;
                for (long sequence : sequences) {
                    lowest = Math.min(lowest, sequence);
                    highest = Math.max(highest, sequence);
                }
                boolean[] seen = new boolean[size];
                int firstAltered = size;
                AuditChainFormat.Hasher hasher = new AuditChainFormat.Hasher();
                AuditChainFormat.CanonicalBytes canonical = new AuditChainFormat.CanonicalBytes();
                try (PreparedStatement events = db.prepareStatement("select " + EVENT_COLUMNS
                        + " from audit_event e where e.sequence between ? and ? order by e.sequence")) {
                    events.setLong(1, lowest);
                    events.setLong(2, highest);
                    events.setFetchSize(2_000);
                    try (ResultSet rows = events.executeQuery()) {
                        while (rows.next()) {
                            Integer index = indexOf.get(rows.getLong(1));
                            if (index == null) {
                                continue; // sealed in another stretch, or waiting for its seal
                            }
                            seen[index] = true;
                            if (index < firstAltered) {
                                String previous = index == 0 ? before : hashes[index - 1];
                                if (!hasher.matches(previous, canonicalBytes(rows, canonical), hashes[index])) {
                                    firstAltered = index;
                                }
                            }
                        }
                    }
                }
                for (int index = 0; index < size; index++) {
                    if (!seen[index]) {
                        return broken(from, from + index, Verification.broken(0, sequences[index],
                                "event " + sequences[index] + " (position " + (from + index) + ") was removed"));
                    }
                    if (index == firstAltered) {
                        return broken(from, from + index, Verification.broken(0, sequences[index], "event " + sequences[index]
                                + " (position " + (from + index) + ") was altered, or events before it were reordered:"
                                + " its content no longer hashes to its seal"));
                    }
                }
                return new Stretch(size, hashes[size - 1], null);
            } finally {
                db.rollback();
            }
        }
    }

    private static Stretch broken(long from, long expected, Verification problem) {
        return new Stretch(expected - from, null, Verification.broken(expected - from, problem.firstBrokenSequence(), problem.problem()));
    }

    /**
     * The canonical form of the event in the current row of {@link #EVENT_COLUMNS}, from the column bytes: the
     * time comes already in canonical form and the roles as PostgreSQL's array text. Sealing and verifying both
     * build it here, so they cannot disagree.
     */
    private static AuditChainFormat.CanonicalBytes canonicalBytes(ResultSet row, AuditChainFormat.CanonicalBytes out)
            throws SQLException {
        return out.begin(row.getLong(1))
                .string("at", row.getBytes(2))
                .string("actorSubject", row.getBytes(3))
                .string("actorName", row.getBytes(4))
                .json("actorRoles", AuditChainFormat.roles(PostgresArrays.parse(row.getString(5))).getBytes(StandardCharsets.UTF_8))
                .string("action", row.getBytes(6))
                .string("resourceType", row.getBytes(7))
                .string("resourceId", row.getBytes(8))
                .json("before", row.getBytes(9))
                .json("after", row.getBytes(10))
                .string("reason", row.getBytes(11))
                .string("requestId", row.getBytes(12))
                .string("clientAddress", row.getBytes(13))
                .end();
    }

    /** After the chain checked out: any event neither sealed nor queued for sealing was written around the log. */
    private static Verification unsealed(Connection db, long position, String hash) throws SQLException {
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
