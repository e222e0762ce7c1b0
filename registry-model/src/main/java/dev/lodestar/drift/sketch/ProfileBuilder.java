package dev.lodestar.drift.sketch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Folds rows into a {@link Profile}, in memory that does not grow with the number of rows. Not thread-safe: one
 * builder per thread, and merge the profiles.
 *
 * <p>Row by row: call {@link #number}, {@link #text} or {@link #missing} once per column, then {@link #endRow()}.
 * Column by column (the fast path, for a batch of rows already held as arrays): {@link #numbers} and {@link #texts}
 * once per column over the same range, then {@link #endRows(long)} with the range's length. A column given no value
 * in a row is counted neither as present nor as missing.
 */
public final class ProfileBuilder {

    private static final int SCRATCH = 4096;

    private final List<ProfileColumn> columns;
    private final NumberState[] numbers;
    private final TextState[] texts;
    private double[] scratch = new double[SCRATCH];
    private long rows;

    /**
     * @param columns the columns, with unique names; values are given by index into this list
     */
    public ProfileBuilder(List<ProfileColumn> columns) {
        this.columns = List.copyOf(columns);
        Set<String> names = new HashSet<>();
        for (ProfileColumn column : this.columns) {
            if (!names.add(column.name())) {
                throw new IllegalArgumentException("duplicate column " + column.name());
            }
        }
        numbers = new NumberState[this.columns.size()];
        texts = new TextState[this.columns.size()];
        for (int i = 0; i < numbers.length; i++) {
            if (this.columns.get(i).kind() == ColumnKind.NUMBER) {
                numbers[i] = new NumberState();
            } else {
                texts[i] = new TextState();
            }
        }
    }

    /** The columns, in index order. */
    public List<ProfileColumn> columns() {
        return columns;
    }

    /** Adds a value to a NUMBER column; NaN and infinities count as missing. */
    public void number(int column, double value) {
        numberState(column).add(value);
    }

    /** Adds a value to a TEXT column; null counts as missing. */
    public void text(int column, String value) {
        textState(column).add(value);
    }

    /** Counts a missing value in a column of either kind. */
    public void missing(int column) {
        Objects.checkIndex(column, numbers.length);
        if (numbers[column] != null) {
            numbers[column].missing++;
        } else {
            texts[column].missing++;
        }
    }

    /** Ends a row: counts it. */
    public void endRow() {
        rows++;
    }

    /**
     * Adds {@code values[from..to)} to a NUMBER column: the fast path for columnar data (one sketch update per call
     * instead of one per value). NaN and infinities count as missing.
     */
    public void numbers(int column, double[] values, int from, int to) {
        NumberState state = numberState(column);
        Objects.checkFromToIndex(from, to, values.length);
        for (int start = from; start < to; start += SCRATCH) {
            state.addAll(values, start, Math.min(to, start + SCRATCH), scratch);
        }
    }

    /** Adds {@code values[from..to)} to a TEXT column; nulls count as missing. */
    public void texts(int column, String[] values, int from, int to) {
        TextState state = textState(column);
        Objects.checkFromToIndex(from, to, values.length);
        for (int i = from; i < to; i++) {
            state.add(values[i]);
        }
    }

    /** Counts {@code count} rows whose values were given column by column. */
    public void endRows(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("negative row count " + count);
        }
        rows += count;
    }

    /** The rows counted so far. */
    public long rows() {
        return rows;
    }

    /** A snapshot of what was added so far; the builder stays usable and later rows do not change the snapshot. */
    public Profile build() {
        List<ColumnProfile> profiles = new ArrayList<>(columns.size());
        for (int i = 0; i < numbers.length; i++) {
            profiles.add(numbers[i] != null
                    ? ColumnProfile.ofNumbers(columns.get(i), numbers[i].copy())
                    : ColumnProfile.ofText(columns.get(i), texts[i].copy()));
        }
        return new Profile(rows, profiles);
    }

    private NumberState numberState(int column) {
        Objects.checkIndex(column, numbers.length);
        NumberState state = numbers[column];
        if (state == null) {
            throw new IllegalArgumentException("column " + columns.get(column).name() + " holds text, not numbers");
        }
        return state;
    }

    private TextState textState(int column) {
        Objects.checkIndex(column, texts.length);
        TextState state = texts[column];
        if (state == null) {
            throw new IllegalArgumentException("column " + columns.get(column).name() + " holds numbers, not text");
        }
        return state;
    }
}
