package dev.lodestar.drift.sketch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A summary of a table: its row count and one {@link ColumnProfile} per column. Immutable and safe to share between
 * threads. Built by a {@link ProfileBuilder}, combined with {@link #merge}, stored and shipped as
 * {@link #toBytes()}.
 *
 * <p>Format (big-endian): the magic {@code LDPF}, a format version byte (1), the row count, the column count, then
 * per column its name (UTF-8), kind, counts, and the kind's summary with DataSketches' own serialized sketches
 * inside. {@link #fromBytes} rejects anything else, including other versions, with {@link IllegalArgumentException}.
 */
public final class Profile {

    /** The current format version written by {@link #toBytes()}. */
    public static final int FORMAT_VERSION = 1;

    private static final int MAGIC = 0x4C445046; // "LDPF"

    private final long rows;
    private final List<ColumnProfile> columnProfiles;
    private final List<ProfileColumn> columns;
    private final Map<String, ColumnProfile> byName;

    Profile(long rows, List<ColumnProfile> columnProfiles) {
        this.rows = rows;
        this.columnProfiles = List.copyOf(columnProfiles);
        this.columns = this.columnProfiles.stream().map(ColumnProfile::column).toList();
        Map<String, ColumnProfile> map = new LinkedHashMap<>();
        for (ColumnProfile profile : this.columnProfiles) {
            if (map.put(profile.name(), profile) != null) {
                throw new IllegalArgumentException("duplicate column " + profile.name());
            }
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /** A profile of no rows over these columns. */
    public static Profile empty(List<ProfileColumn> columns) {
        return new ProfileBuilder(columns).build();
    }

    /** The columns, in order. */
    public List<ProfileColumn> columns() {
        return columns;
    }

    /** The rows counted. */
    public long rows() {
        return rows;
    }

    /** The summary of the named column, or null if the profile has no such column. */
    public ColumnProfile column(String name) {
        return byName.get(name);
    }

    /** The column summaries, in column order. */
    public List<ColumnProfile> columnProfiles() {
        return columnProfiles;
    }

    /**
     * The profile of both tables together: rows add up, columns are matched by name and their summaries merged
     * (sketch union). A column only one side has is taken as it is (its counts cover that side's rows only); the
     * result lists this profile's columns, then the other's new ones.
     *
     * @throws IllegalArgumentException when a column has a different kind on each side
     */
    public Profile merge(Profile other) {
        List<ColumnProfile> merged = new ArrayList<>(columnProfiles.size() + other.columnProfiles.size());
        for (ColumnProfile mine : columnProfiles) {
            ColumnProfile theirs = other.column(mine.name());
            if (theirs == null) {
                merged.add(mine);
            } else if (theirs.kind() != mine.kind()) {
                throw new IllegalArgumentException("column " + mine.name() + " is " + mine.kind() + " on one side and "
                        + theirs.kind() + " on the other");
            } else if (mine.kind() == ColumnKind.NUMBER) {
                NumberState state = mine.numberState().copy();
                state.merge(theirs.numberState());
                merged.add(ColumnProfile.ofNumbers(mine.column(), state));
            } else {
                TextState state = mine.textState().copy();
                state.merge(theirs.textState());
                merged.add(ColumnProfile.ofText(mine.column(), state));
            }
        }
        for (ColumnProfile theirs : other.columnProfiles) {
            if (!byName.containsKey(theirs.name())) {
                merged.add(theirs);
            }
        }
        return new Profile(rows + other.rows, merged);
    }

    /** This profile in the versioned binary format read by {@link #fromBytes}. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 8 * 1024 * columnProfiles.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(FORMAT_VERSION);
            out.writeLong(rows);
            out.writeInt(columnProfiles.size());
            for (ColumnProfile column : columnProfiles) {
                byte[] name = column.name().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(name.length);
                out.write(name);
                out.writeByte(column.kind().ordinal());
                if (column.kind() == ColumnKind.NUMBER) {
                    column.numberState().write(out);
                } else {
                    column.textState().write(out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a profile written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException when the bytes are not a profile of a known format version
     */
    public static Profile fromBytes(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("no profile bytes");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            Formats.check(in.readInt() == MAGIC, "not a profile");
            int version = in.readUnsignedByte();
            Formats.check(version == FORMAT_VERSION, "unknown profile format version " + version);
            long rows = in.readLong();
            int count = in.readInt();
            Formats.check(rows >= 0 && count >= 0 && count <= in.available(), "bad header");
            List<ColumnProfile> columns = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String name = new String(Formats.readBlock(in), java.nio.charset.StandardCharsets.UTF_8);
                int kind = in.readUnsignedByte();
                Formats.check(kind < ColumnKind.values().length, "unknown column kind " + kind);
                ProfileColumn column = new ProfileColumn(name, ColumnKind.values()[kind]);
                columns.add(column.kind() == ColumnKind.NUMBER
                        ? ColumnProfile.ofNumbers(column, NumberState.read(in))
                        : ColumnProfile.ofText(column, TextState.read(in)));
            }
            Formats.check(in.available() == 0, "trailing bytes");
            return new Profile(rows, columns);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a readable profile: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Profile[rows=" + rows + ", columns=" + columns + "]";
    }
}
