package dev.lodestar.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Cursors;
import dev.lodestar.graphql.Page;
import dev.lodestar.graphql.PageInfo;

/**
 * Reading the audit trail: filtered pages, single events, verification of the hash chain, and exports that carry
 * the chain hashes so they can be verified offline ({@link AuditChainFormat}). Reads never change the trail; an
 * export is itself recorded.
 */
@ApplicationScoped
public class AuditTrail {

    private static final String CURSOR = "audit-events";
    private static final String COLUMNS = "e.sequence, e.at, e.actor_name, e.actor_subject, e.actor_roles, e.action, e.resource_type,"
            + " e.resource_id, e.before::text, e.after::text, e.reason, e.request_id, e.client_address, s.position, s.hash";

    /**
     * Connections verifying stretches of the chain at once. Each worker spends most of its time waiting for
     * PostgreSQL to produce rows, so four per core keep both PostgreSQL and the hashing busy.
     */
    public static final int VERIFY_WORKERS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

    private final DataSource dataSource;
    private final AuditSealer sealer;
    private final AuditLog log;

    AuditTrail(DataSource dataSource, AuditSealer sealer, AuditLog log) {
        this.dataSource = dataSource;
        this.sealer = sealer;
        this.log = log;
    }

    /** A page of events matching {@code filter}, newest first. */
    public AuditEventConnection page(AuditFilter filter, Page page) {
        AuditFilter checked = check(filter == null ? AuditFilter.ALL : filter);
        String after = Cursors.decode(CURSOR, page.after());
        long before;
        try {
            before = after == null ? Long.MAX_VALUE : Long.parseLong(after);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("after: not a cursor of this list");
        }
        List<Object> parameters = new ArrayList<>();
        String where = where(checked, parameters);
        List<Object> pageParameters = new ArrayList<>(parameters);
        pageParameters.add(before);
        pageParameters.add(page.first() + 1);
        List<AuditEvent> rows = query("select " + COLUMNS + " from audit_event e left join audit_seal s on s.sequence = e.sequence"
                + where + " and e.sequence < ? order by e.sequence desc limit ?", pageParameters);
        List<AuditEventConnection.AuditEventEdge> edges = rows.stream().limit(page.first())
                .map(e -> new AuditEventConnection.AuditEventEdge(e, Cursors.encode(CURSOR, Integer.toString(e.sequence())))).toList();
        return new AuditEventConnection(edges, new PageInfo(rows.size() > page.first(), after != null,
                edges.isEmpty() ? null : edges.get(0).cursor(), edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor()),
                () -> count("select count(*) from audit_event e" + where, parameters));
    }

    /** One event, or {@code NOT_FOUND}. */
    public AuditEvent get(long sequence) {
        List<AuditEvent> found = query("select " + COLUMNS + " from audit_event e left join audit_seal s on s.sequence = e.sequence"
                + " where e.sequence = ?", List.of(sequence));
        if (found.isEmpty()) {
            throw ApiException.notFound("no audit event " + sequence);
        }
        return found.get(0);
    }

    /** Seals what is waiting, then recomputes the whole chain. */
    public AuditVerification verify() {
        long started = System.nanoTime();
        try {
            sealer.sealAll();
            AuditChain.Verification result = AuditChain.verify(dataSource::getConnection, VERIFY_WORKERS);
            return AuditVerification.of(result, Instant.now(), (int) ((System.nanoTime() - started) / 1_000_000));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot verify the audit trail", e);
        }
    }

    /** Export formats. */
    public enum Format {
        JSONL("application/x-ndjson", "jsonl"), CSV("text/csv", "csv");

        public final String mediaType;
        public final String extension;

        Format(String mediaType, String extension) {
            this.mediaType = mediaType;
            this.extension = extension;
        }
    }

    /** Records that the current actor exports {@code from} to {@code to}; call before {@link #export}. */
    @Transactional
    public void recordExport(Format format, Instant from, Instant to) {
        checkRange(from, to);
        log.record(AuditAction.AUDIT_TRAIL_EXPORTED, "audit-trail", null,
                AuditLog.fields("format", format.name(), "from", from == null ? null : from.toString(), "to", to == null ? null : to.toString()));
    }

    /**
     * Writes the sealed events whose time is in [{@code from}, {@code to}), as the contiguous stretch of the chain
     * from the first of them to the last (so events sealed in between with a time just outside are included).
     */
    public void export(Format format, Instant from, Instant to, OutputStream out) throws IOException {
        checkRange(from, to);
        try (Connection db = dataSource.getConnection()) {
            db.setAutoCommit(false);
            db.createStatement().execute("set transaction isolation level repeatable read, read only");
            long[] range = positions(db, from, to);
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            if (format == Format.CSV) {
                writer.write(AuditChainFormat.csvRow(AuditChainFormat.CSV_COLUMNS));
            }
            if (range != null) {
                writeChain(db, format, range[0], range[1], writer);
            }
            writer.flush();
            db.commit();
        } catch (SQLException e) {
            throw new IOException("cannot read the audit trail", e);
        }
    }

    private static long[] positions(Connection db, Instant from, Instant to) throws SQLException {
        try (PreparedStatement range = db.prepareStatement("select min(s.position), max(s.position) from audit_seal s"
                + " join audit_event e on e.sequence = s.sequence where e.at >= ? and e.at < ?")) {
            range.setTimestamp(1, Timestamp.from(from == null ? Instant.EPOCH : from));
            range.setTimestamp(2, Timestamp.from(to == null ? Instant.parse("9999-12-31T00:00:00Z") : to));
            try (ResultSet row = range.executeQuery()) {
                row.next();
                long first = row.getLong(1);
                return row.wasNull() ? null : new long[] { first, row.getLong(2) };
            }
        }
    }

    private static void writeChain(Connection db, Format format, long first, long last, Writer out) throws SQLException, IOException {
        String previous = AuditChainFormat.GENESIS;
        try (PreparedStatement before = db.prepareStatement("select hash from audit_seal where position = ?")) {
            before.setLong(1, first - 1);
            try (ResultSet row = before.executeQuery()) {
                if (row.next()) {
                    previous = row.getString(1);
                }
            }
        }
        StringBuilder canonical = new StringBuilder(512);
        try (PreparedStatement chain = db.prepareStatement("select s.position, s.hash, e.sequence, e.at, e.actor_subject, e.actor_name,"
                + " e.actor_roles, e.action, e.resource_type, e.resource_id, e.before::text, e.after::text, e.reason, e.request_id,"
                + " e.client_address from audit_seal s join audit_event e on e.sequence = s.sequence"
                + " where s.position between ? and ? order by s.position")) {
            chain.setFetchSize(5_000);
            chain.setLong(1, first);
            chain.setLong(2, last);
            try (ResultSet rows = chain.executeQuery()) {
                while (rows.next()) {
                    long position = rows.getLong(1);
                    String hash = rows.getString(2);
                    Array roles = rows.getArray(7);
                    AuditChainFormat.Event event = new AuditChainFormat.Event(rows.getLong(3),
                            AuditChainFormat.at(rows.getTimestamp(4).toInstant()), rows.getString(5), rows.getString(6),
                            AuditChainFormat.roles((String[]) roles.getArray()), rows.getString(8), rows.getString(9),
                            rows.getString(10), rows.getString(11), rows.getString(12), rows.getString(13), rows.getString(14),
                            rows.getString(15));
                    if (format == Format.JSONL) {
                        out.write(AuditChainFormat.jsonLine(position, previous, hash, AuditChainFormat.canonical(event, canonical)));
                        out.write('\n');
                    } else {
                        out.write(AuditChainFormat.csvRow(AuditChainFormat.csvFields(position, previous, hash, event)));
                    }
                    previous = hash;
                }
            }
        }
    }

    private static void checkRange(Instant from, Instant to) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.invalid("from must be before to");
        }
    }

    private static AuditFilter check(AuditFilter filter) {
        if (filter.action() != null && Arrays.stream(AuditAction.values()).noneMatch(a -> a.name().equals(filter.action()))) {
            throw ApiException.invalid("unknown action '" + filter.action() + "'; actions are " + Arrays.toString(AuditAction.values()));
        }
        if (filter.resourceType() != null && Arrays.stream(ResourceType.values()).noneMatch(t -> t.name().equals(filter.resourceType()))) {
            throw ApiException.invalid("unknown resource type '" + filter.resourceType() + "'; types are "
                    + Arrays.toString(ResourceType.values()));
        }
        checkRange(filter.from(), filter.to());
        return filter;
    }

    private static String where(AuditFilter filter, List<Object> parameters) {
        StringBuilder where = new StringBuilder(" where true");
        if (filter.actor() != null) {
            where.append(" and e.actor_name = ?");
            parameters.add(filter.actor());
        }
        if (filter.action() != null) {
            where.append(" and e.action = ?");
            parameters.add(filter.action());
        }
        if (filter.resourceType() != null) {
            where.append(" and e.resource_type = ?");
            parameters.add(filter.resourceType());
        }
        if (filter.resourceId() != null) {
            where.append(" and e.resource_id = ?");
            parameters.add(filter.resourceId());
        }
        if (filter.from() != null) {
            where.append(" and e.at >= ?");
            parameters.add(Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            where.append(" and e.at < ?");
            parameters.add(Timestamp.from(filter.to()));
        }
        return where.toString();
    }

    private List<AuditEvent> query(String sql, List<Object> parameters) {
        try (Connection db = dataSource.getConnection(); PreparedStatement statement = db.prepareStatement(sql)) {
            bind(statement, parameters);
            List<AuditEvent> events = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long position = rows.getLong(14);
                    boolean sealed = !rows.wasNull();
                    events.add(new AuditEvent(Math.toIntExact(rows.getLong(1)), rows.getTimestamp(2).toInstant(), rows.getString(3),
                            rows.getString(4), List.of((String[]) rows.getArray(5).getArray()), rows.getString(6), rows.getString(7),
                            rows.getString(8), rows.getString(9), rows.getString(10), rows.getString(11), rows.getString(12),
                            rows.getString(13), sealed ? Math.toIntExact(position) : null, rows.getString(15)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit trail", e);
        }
    }

    private long count(String sql, List<Object> parameters) {
        try (Connection db = dataSource.getConnection(); PreparedStatement statement = db.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count audit events", e);
        }
    }

    private static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
    }
}
