package dev.lodestar.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit chain's canonical form and hash, and a verifier of exported chains.
 *
 * <p>Each audit event has one canonical form: a JSON object with fixed keys in fixed order, strings escaped one
 * way only, time in UTC with microseconds, and before/after as PostgreSQL prints the stored JSON. The seal at
 * chain position {@code n} holds {@code hash(n) = SHA-256(hash(n-1) + "\n" + canonical(event))} as lower-case hex,
 * with 64 zeros before the first position. Changing, removing, inserting or reordering any sealed event changes
 * every hash from there on.
 *
 * <p>The file uses the JDK only, so an auditor can verify an export without Lodestar, from this one source file:
 * {@code java AuditChainFormat.java audit-export.jsonl} (or {@code .csv}). It prints the last hash of the export
 * and exits 0, or names the first broken line and exits 1.
 */
public final class AuditChainFormat {

    /** The hash before the first position. */
    public static final String GENESIS = "0".repeat(64);

    /** The CSV export's columns, in order. */
    public static final List<String> CSV_COLUMNS = List.of("position", "previous_hash", "hash", "sequence", "at",
            "actor_subject", "actor_name", "actor_roles", "action", "resource_type", "resource_id", "before", "after",
            "reason", "request_id", "client_address");

    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern JSON_LINE = Pattern.compile(
            "\\{\"position\":(\\d+),\"previousHash\":\"([0-9a-f]{64})\",\"hash\":\"([0-9a-f]{64})\",\"event\":(\\{.*\\})\\}");
    private static final Pattern SEQUENCE = Pattern.compile("\\{\"sequence\":(\\d+),");

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private AuditChainFormat() {
    }

    /**
     * An audit event as the chain sees it. Text fields are as stored; {@code at} is {@link #at(Instant)};
     * {@code actorRoles} is a JSON array of strings ({@link #roles}); {@code before} and {@code after} are JSON text
     * as PostgreSQL prints {@code jsonb}, or null.
     */
    public record Event(long sequence, String at, String actorSubject, String actorName, String actorRoles, String action,
            String resourceType, String resourceId, String before, String after, String reason, String requestId,
            String clientAddress) {
    }

    /** A time as the canonical form writes it. */
    public static String at(Instant at) {
        return AT.format(at);
    }

    /** Roles as the canonical form writes them: a JSON array of strings in the order stored. */
    public static String roles(String[] roles) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < roles.length; i++) {
            string(json.append(i == 0 ? "" : ","), roles[i]);
        }
        return json.append(']').toString();
    }

    /** Writes the canonical form of {@code event} into {@code out} (cleared first) and returns it. */
    public static StringBuilder canonical(Event event, StringBuilder out) {
        out.setLength(0);
        out.append("{\"sequence\":").append(event.sequence());
        string(out.append(",\"at\":"), event.at());
        string(out.append(",\"actorSubject\":"), event.actorSubject());
        string(out.append(",\"actorName\":"), event.actorName());
        out.append(",\"actorRoles\":").append(event.actorRoles());
        string(out.append(",\"action\":"), event.action());
        string(out.append(",\"resourceType\":"), event.resourceType());
        string(out.append(",\"resourceId\":"), event.resourceId());
        out.append(",\"before\":").append(event.before() == null ? "null" : event.before());
        out.append(",\"after\":").append(event.after() == null ? "null" : event.after());
        string(out.append(",\"reason\":"), event.reason());
        string(out.append(",\"requestId\":"), event.requestId());
        string(out.append(",\"clientAddress\":"), event.clientAddress());
        return out.append('}');
    }

    /** Writes a JSON string (or {@code null}) with the one escaping the canonical form allows. */
    public static StringBuilder string(StringBuilder out, String value) {
        if (value == null) {
            return out.append("null");
        }
        out.append('"');
        int run = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                out.append(value, run, i);
                if (c < 0x20) {
                    out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                } else {
                    out.append('\\').append(c);
                }
                run = i + 1;
            }
        }
        out.append(value, run, value.length());
        return out.append('"');
    }

    /**
     * Writes canonical forms as UTF-8 bytes straight from the database's text, without decoding it into strings
     * first: byte for byte what {@link #canonical} encoded as UTF-8 gives, for a verifier reading millions of rows.
     * Escaping works on bytes because UTF-8 never uses a byte below 0x80 inside a multi-byte character.
     */
    public static final class CanonicalBytes {

        private byte[] buffer = new byte[1024];
        private int length;

        /** Starts a new event with its sequence. */
        public CanonicalBytes begin(long sequence) {
            length = 0;
            return ascii("{\"sequence\":").ascii(Long.toString(sequence));
        }

        /** Appends {@code ,"name":} and the UTF-8 text as a JSON string, or {@code null}. */
        public CanonicalBytes string(String name, byte[] utf8) {
            field(name);
            if (utf8 == null) {
                return ascii("null");
            }
            room(utf8.length * 6 + 2);
            buffer[length++] = '"';
            for (byte b : utf8) {
                if (b == '"' || b == '\\') {
                    buffer[length++] = '\\';
                    buffer[length++] = b;
                } else if (b >= 0 && b < 0x20) {
                    ascii("\\u00").ascii(String.valueOf(HEX[b >> 4])).ascii(String.valueOf(HEX[b & 0xf]));
                } else {
                    buffer[length++] = b;
                }
            }
            buffer[length++] = '"';
            return this;
        }

        /** Appends {@code ,"name":} and JSON text as it is, or {@code null}. */
        public CanonicalBytes json(String name, byte[] utf8) {
            field(name);
            if (utf8 == null) {
                return ascii("null");
            }
            room(utf8.length);
            System.arraycopy(utf8, 0, buffer, length, utf8.length);
            length += utf8.length;
            return this;
        }

        /** Ends the event. */
        public CanonicalBytes end() {
            return ascii("}");
        }

        byte[] buffer() {
            return buffer;
        }

        int length() {
            return length;
        }

        private void field(String name) {
            ascii(",\"").ascii(name).ascii("\":");
        }

        private CanonicalBytes ascii(String text) {
            room(text.length());
            for (int i = 0; i < text.length(); i++) {
                buffer[length++] = (byte) text.charAt(i);
            }
            return this;
        }

        private void room(int more) {
            if (length + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
            }
        }
    }

    /** Computes chain hashes; one instance per thread. */
    public static final class Hasher {

        private static final byte[] SEPARATOR = { '\n' };
        private final MessageDigest digest;

        public Hasher() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        /** The hash linking a canonical form written by {@link CanonicalBytes} to the hash before it. */
        public String next(String previous, CanonicalBytes event) {
            return link(previous, event.buffer(), event.length());
        }

        /** Whether {@code stored} is the hash linking the canonical form in {@code event} to {@code previous}. */
        public boolean matches(String previous, CanonicalBytes event, String stored) {
            return next(previous, event).equals(stored);
        }

        /** The hash linking an event's canonical form to the hash before it. */
        public String next(String previous, CharSequence canonical) {
            byte[] utf8 = canonical.toString().getBytes(StandardCharsets.UTF_8);
            return link(previous, utf8, utf8.length);
        }

        private String link(String previous, byte[] canonical, int length) {
            digest.update(previous.getBytes(StandardCharsets.US_ASCII));
            digest.update(SEPARATOR);
            digest.update(canonical, 0, length);
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /** One line of a JSON Lines export. */
    public static String jsonLine(long position, String previousHash, String hash, CharSequence canonical) {
        return "{\"position\":" + position + ",\"previousHash\":\"" + previousHash + "\",\"hash\":\"" + hash + "\",\"event\":"
                + canonical + "}";
    }

    /** The fields of one CSV export row, in {@link #CSV_COLUMNS} order; nulls are written as empty unquoted fields. */
    public static List<String> csvFields(long position, String previousHash, String hash, Event event) {
        List<String> fields = new ArrayList<>(CSV_COLUMNS.size());
        fields.add(Long.toString(position));
        fields.add(previousHash);
        fields.add(hash);
        fields.add(Long.toString(event.sequence()));
        fields.add(event.at());
        fields.add(event.actorSubject());
        fields.add(event.actorName());
        fields.add(event.actorRoles());
        fields.add(event.action());
        fields.add(event.resourceType());
        fields.add(event.resourceId());
        fields.add(event.before());
        fields.add(event.after());
        fields.add(event.reason());
        fields.add(event.requestId());
        fields.add(event.clientAddress());
        return fields;
    }

    /** One CSV row (RFC 4180): every non-null field quoted, null as an empty unquoted field. */
    public static String csvRow(List<String> fields) {
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                row.append(',');
            }
            String field = fields.get(i);
            if (field != null) {
                row.append('"').append(field.replace("\"", "\"\"")).append('"');
            }
        }
        return row.append("\r\n").toString();
    }

    /** Verifies an export file; prints the outcome. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java AuditChainFormat.java <audit-export.jsonl | audit-export.csv>");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        Verification result;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            result = file.toString().endsWith(".csv") ? verifyCsv(in) : verifyJsonLines(in);
        }
        System.out.println(result.describe());
        System.exit(result.ok() ? 0 : 1);
    }

    /**
     * The outcome of verifying an export.
     *
     * @param ok           every line links to the one before and hashes to its stated hash
     * @param events       lines checked
     * @param firstHash    the hash the export starts from (before its first line)
     * @param lastHash     the hash of its last line: compare with the chain's hash at that position
     * @param lastPosition the chain position of its last line
     * @param problem      what is wrong with the first broken line, or null
     */
    public record Verification(boolean ok, long events, String firstHash, String lastHash, long lastPosition, String problem) {

        String describe() {
            return ok ? "OK: " + events + " events link up, from hash " + firstHash + " to hash " + lastHash + " at position " + lastPosition
                    : "BROKEN: " + problem;
        }
    }

    /** Verifies a JSON Lines export. */
    public static Verification verifyJsonLines(BufferedReader in) throws IOException {
        Chain chain = new Chain();
        String line;
        long number = 0;
        while ((line = in.readLine()) != null) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher match = JSON_LINE.matcher(line);
            if (!match.matches()) {
                return chain.broken("line " + number + " is not a line of an audit export");
            }
            Matcher sequence = SEQUENCE.matcher(match.group(4));
            String problem = chain.add(Long.parseLong(match.group(1)), match.group(2), match.group(3), match.group(4),
                    sequence.lookingAt() ? sequence.group(1) : "?");
            if (problem != null) {
                return chain.broken("line " + number + ": " + problem);
            }
        }
        return chain.result();
    }

    /** Verifies a CSV export. */
    public static Verification verifyCsv(BufferedReader in) throws IOException {
        Chain chain = new Chain();
        CsvReader csv = new CsvReader(in);
        List<String> header = csv.next();
        if (header == null || !header.equals(CSV_COLUMNS)) {
            return chain.broken("the first row must name the columns " + String.join(",", CSV_COLUMNS));
        }
        StringBuilder canonical = new StringBuilder();
        List<String> row;
        while ((row = csv.next()) != null) {
            if (row.size() != CSV_COLUMNS.size()) {
                return chain.broken("row " + csv.rows + " has " + row.size() + " fields, not " + CSV_COLUMNS.size());
            }
            long position;
            Event event;
            try {
                position = Long.parseLong(row.get(0));
                event = new Event(Long.parseLong(row.get(3)), row.get(4), row.get(5), row.get(6), row.get(7), row.get(8),
                        row.get(9), row.get(10), row.get(11), row.get(12), row.get(13), row.get(14), row.get(15));
            } catch (NumberFormatException e) {
                return chain.broken("row " + csv.rows + ": position and sequence must be numbers");
            }
            String problem = chain.add(position, row.get(1), row.get(2), canonical(event, canonical), row.get(3));
            if (problem != null) {
                return chain.broken("row " + csv.rows + ": " + problem);
            }
        }
        return chain.result();
    }

    /** Follows an exported chain line by line. */
    private static final class Chain {

        private final Hasher hasher = new Hasher();
        private long events;
        private long position = -1;
        private String firstHash;
        private String hash;

        String add(long linePosition, String previousHash, String lineHash, CharSequence canonical, String sequence) {
            if (hash != null && linePosition != position + 1) {
                return "position " + linePosition + " follows position " + position + ": events are missing or reordered";
            }
            if (hash != null && !previousHash.equals(hash)) {
                return "event " + sequence + " does not link to the line before it";
            }
            if (!hasher.next(previousHash, canonical).equals(lineHash)) {
                return "event " + sequence + " at position " + linePosition + " was altered: its content does not hash to its hash";
            }
            if (firstHash == null) {
                firstHash = previousHash;
            }
            events++;
            position = linePosition;
            hash = lineHash;
            return null;
        }

        Verification broken(String problem) {
            return new Verification(false, events, firstHash, hash, position, problem);
        }

        Verification result() {
            return new Verification(true, events, firstHash == null ? GENESIS : firstHash, hash, position, null);
        }
    }

    /** Reads RFC 4180 rows, telling a quoted empty field ("") from an unquoted one (null). */
    private static final class CsvReader {

        private final Reader in;
        private int rows;

        CsvReader(Reader in) {
            this.in = in;
        }

        List<String> next() throws IOException {
            int c = in.read();
            if (c == -1) {
                return null;
            }
            rows++;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            while (true) {
                if (c == '"' && field.isEmpty() && !quoted) {
                    quoted = true;
                    while (true) {
                        c = in.read();
                        if (c == -1) {
                            throw new IOException("row " + rows + " ends inside a quoted field");
                        }
                        if (c == '"') {
                            c = in.read();
                            if (c != '"') {
                                break;
                            }
                        }
                        field.append((char) c);
                    }
                    continue;
                }
                if (c == ',' || c == '\n' || c == -1) {
                    fields.add(quoted ? field.toString() : field.isEmpty() ? null : field.toString());
                    field.setLength(0);
                    quoted = false;
                    if (c != ',') {
                        return fields;
                    }
                } else if (c != '\r') {
                    field.append((char) c);
                }
                c = in.read();
            }
        }
    }
}
