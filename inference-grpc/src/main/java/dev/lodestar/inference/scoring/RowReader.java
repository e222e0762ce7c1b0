package dev.lodestar.inference.scoring;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.tribuo.InputSchema;
import dev.lodestar.tribuo.InputSchema.ColumnType;

/**
 * Reads a row given by feature name into the cells of an {@link InputSchema}, in column order: a {@code Double} for
 * each NUMBER column, a {@code String} for each TEXT column.
 *
 * <p>Every column must be given, with the right kind of value; a number must be finite. A feature the schema does
 * not have is refused too, so that a misspelt name is an error rather than a silently different prediction.
 * Immutable and thread-safe.
 */
public final class RowReader {

    private final String[] names;
    private final boolean[] numeric;

    /** A reader for rows of this schema. */
    public RowReader(InputSchema schema) {
        List<InputSchema.Column> columns = schema.columns();
        names = new String[columns.size()];
        numeric = new boolean[columns.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = columns.get(i).name();
            numeric[i] = columns.get(i).type() == ColumnType.NUMBER;
        }
    }

    /**
     * The row's cells in column order.
     *
     * @throws InvalidFeatureException naming the first feature that is missing, of the wrong kind, not finite, or
     *                                 unknown
     */
    public Object[] read(Map<String, FeatureValue> features) {
        Object[] row = new Object[names.length];
        for (int i = 0; i < names.length; i++) {
            FeatureValue value = features.get(names[i]);
            if (value == null) {
                throw new InvalidFeatureException(names[i], "feature '" + names[i] + "' is missing");
            }
            row[i] = numeric[i] ? number(names[i], value) : text(names[i], value);
        }
        if (features.size() > names.length) {
            throw unknown(features);
        }
        return row;
    }

    /** The column names, in order. */
    public List<String> names() {
        return List.of(names);
    }

    private static Double number(String name, FeatureValue value) {
        switch (value.getKindCase()) {
            case NUMBER -> {
                double number = value.getNumber();
                if (!Double.isFinite(number)) {
                    throw new InvalidFeatureException(name, "feature '" + name + "' must be a finite number, not " + number);
                }
                return number;
            }
            case TEXT -> throw new InvalidFeatureException(name, "feature '" + name + "' must be a number, not text");
            default -> throw new InvalidFeatureException(name, "feature '" + name + "' has no value");
        }
    }

    private static String text(String name, FeatureValue value) {
        switch (value.getKindCase()) {
            case TEXT -> {
                return value.getText();
            }
            case NUMBER -> throw new InvalidFeatureException(name, "feature '" + name + "' must be text, not a number");
            default -> throw new InvalidFeatureException(name, "feature '" + name + "' has no value");
        }
    }

    private InvalidFeatureException unknown(Map<String, FeatureValue> features) {
        TreeSet<String> extra = new TreeSet<>(features.keySet());
        extra.removeAll(List.of(names));
        String listed = String.join("', '", extra);
        return new InvalidFeatureException(extra.first(),
                (extra.size() == 1 ? "unknown feature '" : "unknown features '") + listed + "'; the model reads " + List.of(names));
    }
}
