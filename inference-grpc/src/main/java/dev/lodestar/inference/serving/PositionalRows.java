package dev.lodestar.inference.serving;

import java.util.List;

import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.inference.v1.Row;

/**
 * Reads positional rows (a batch's feature names given once, each row's values in that order) into a model's
 * column order. The names are matched to the model's columns once per batch; each row is then a copy by
 * index, with the same checks as a named row: every column given once, numbers finite, text where text is
 * expected. Every refusal names the feature. Immutable; one instance per batch and model.
 */
public final class PositionalRows {

    private final List<ServableModel.Column> columns;
    /** For each given position, the model column it fills. */
    private final int[] target;
    private final String[] names;

    private PositionalRows(List<ServableModel.Column> columns, int[] target, String[] names) {
        this.columns = columns;
        this.target = target;
        this.names = names;
    }

    /**
     * Matches {@code given} names to the model's columns.
     *
     * @throws IllegalArgumentException for an unknown or repeated name, or a column not named
     */
    public static PositionalRows of(List<ServableModel.Column> columns, List<String> given) {
        int[] target = new int[given.size()];
        boolean[] seen = new boolean[columns.size()];
        String[] names = new String[given.size()];
        for (int p = 0; p < given.size(); p++) {
            String name = given.get(p);
            int index = indexOf(columns, name);
            if (index < 0) {
                throw new IllegalArgumentException("unknown feature '" + name + "'; the model reads "
                        + columns.stream().map(ServableModel.Column::name).toList());
            }
            if (seen[index]) {
                throw new IllegalArgumentException("feature '" + name + "' is named twice in columns");
            }
            seen[index] = true;
            target[p] = index;
            names[p] = name;
        }
        for (int c = 0; c < columns.size(); c++) {
            if (!seen[c]) {
                throw new IllegalArgumentException("feature '" + columns.get(c).name() + "' is missing from columns");
            }
        }
        return new PositionalRows(columns, target, names);
    }

    private static int indexOf(List<ServableModel.Column> columns, String name) {
        for (int c = 0; c < columns.size(); c++) {
            if (columns.get(c).name().equals(name)) {
                return c;
            }
        }
        return -1;
    }

    /**
     * The row's cells in the model's column order.
     *
     * @throws IllegalArgumentException for a wrong number of values, a mistyped or non-finite value; the message
     *                                  names the feature
     */
    public Object[] read(Row row) {
        Object[] cells = new Object[target.length];
        int numbers = row.getNumbersCount();
        if (numbers > 0) {
            if (numbers != target.length || row.getValuesCount() > 0) {
                throw new IllegalArgumentException(numbers + " numbers for " + target.length + " columns");
            }
            for (int p = 0; p < target.length; p++) {
                int c = target[p];
                if (columns.get(c).text()) {
                    throw new IllegalArgumentException("feature '" + names[p] + "' must be text, not a number");
                }
                double value = row.getNumbers(p);
                if (!Double.isFinite(value)) {
                    throw new IllegalArgumentException("feature '" + names[p] + "' must be a finite number, not " + value);
                }
                cells[c] = value;
            }
            return cells;
        }
        if (row.getValuesCount() != target.length) {
            throw new IllegalArgumentException(row.getValuesCount() + " values for " + target.length + " columns");
        }
        for (int p = 0; p < target.length; p++) {
            int c = target[p];
            FeatureValue value = row.getValues(p);
            boolean text = columns.get(c).text();
            switch (value.getKindCase()) {
                case NUMBER -> {
                    if (text) {
                        throw new IllegalArgumentException("feature '" + names[p] + "' must be text, not a number");
                    }
                    double number = value.getNumber();
                    if (!Double.isFinite(number)) {
                        throw new IllegalArgumentException("feature '" + names[p] + "' must be a finite number, not "
                                + number);
                    }
                    cells[c] = number;
                }
                case TEXT -> {
                    if (!text) {
                        throw new IllegalArgumentException("feature '" + names[p] + "' must be a number, not text");
                    }
                    cells[c] = value.getText();
                }
                default -> throw new IllegalArgumentException("feature '" + names[p] + "' has no value");
            }
        }
        return cells;
    }
}
