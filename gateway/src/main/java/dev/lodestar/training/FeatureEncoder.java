package dev.lodestar.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

import dev.lodestar.tribuo.InputSchema;

/**
 * Turns a dataset table into Tribuo training and holdout datasets, and the {@link InputSchema} that lets the
 * model encode rows the same way at prediction time.
 *
 * <p>The rules: rows are shuffled with the seed and the last {@code holdoutFraction} of them (at least one) held
 * out. A NUMBER column becomes feature {@code c} with its value; a TEXT column becomes one-hot features
 * {@code c@v} over the categories seen in the training rows (sorted; a category seen only in the holdout is all
 * zeros, as at prediction time). Missing values, with {@code missing=impute} (the default): a NUMBER takes the
 * mean of the column's training values, recorded as the column's {@code fill}; a TEXT is no category; a row
 * without a target is left out. With {@code missing=refuse}: the first missing value fails the job naming its
 * line (the header is line 1) and column. Statistics come from the training rows only, so the holdout says how
 * the model does on rows it never saw.
 */
final class FeatureEncoder {

    /**
     * A table to encode: column names, whether each is a NUMBER, rows of Double, String or null cells, and the
     * file line each row came from (the header is line 1).
     */
    record Table(List<String> names, List<Boolean> numeric, List<Object[]> rows, long[] lines) {

        long line(int row) {
            return lines[row];
        }
    }

    /** Why a table cannot be encoded; the job fails with this message. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Encoded data.
     *
     * @param schema       the input columns as prediction will see them
     * @param training     rows to train on
     * @param holdout      rows to evaluate on
     * @param droppedRows  rows left out: no target, or no input feature at all
     * @param imputedCells NUMBER cells given their column's training mean
     */
    record Encoded<T extends Output<T>>(InputSchema schema, MutableDataset<T> training, MutableDataset<T> holdout,
            int droppedRows, int imputedCells) {
    }

    private FeatureEncoder() {
    }

    /** Encodes for classification: the target is TEXT, or a NUMBER whose values are all whole numbers. */
    static Encoded<Label> forClassification(Table table, String target, boolean refuseMissing, double holdoutFraction, long seed,
            String description) {
        int targetIndex = table.names().indexOf(target);
        boolean numeric = table.numeric().get(targetIndex);
        return encode(table, target, refuseMissing, holdoutFraction, seed, new LabelFactory(), description, (value, line) -> {
            if (!numeric) {
                return new Label((String) value);
            }
            double number = (Double) value;
            if (number != Math.rint(number) || Double.isInfinite(number)) {
                throw new Refused("target '" + target + "' has the value " + number + " on line " + line
                        + ": CLASSIFICATION needs a TEXT target or a NUMBER target of whole numbers");
            }
            return new Label(Long.toString((long) number));
        });
    }

    /** Encodes for regression: the target is a NUMBER. */
    static Encoded<Regressor> forRegression(Table table, String target, boolean refuseMissing, double holdoutFraction, long seed,
            String description) {
        return encode(table, target, refuseMissing, holdoutFraction, seed, new RegressionFactory(), description,
                (value, line) -> new Regressor(target, (Double) value));
    }

    private interface TargetReader<T> {
        T read(Object value, long line);
    }

    private static <T extends Output<T>> Encoded<T> encode(Table table, String target, boolean refuseMissing,
            double holdoutFraction, long seed, OutputFactory<T> factory, String description, TargetReader<T> targets) {
        int targetIndex = table.names().indexOf(target);
        int columns = table.names().size();
        List<Integer> kept = new ArrayList<>();
        for (int r = 0; r < table.rows().size(); r++) {
            Object[] row = table.rows().get(r);
            if (refuseMissing) {
                for (int c = 0; c < columns; c++) {
                    if (row[c] == null) {
                        throw new Refused("line " + table.line(r) + ", column '" + table.names().get(c)
                                + "': the value is missing and params say missing=refuse");
                    }
                }
            }
            if (row[targetIndex] != null) {
                kept.add(r);
            }
        }
        if (kept.size() < 2) {
            throw new Refused("the dataset has " + kept.size() + " row(s) with a target value; training needs at least 2");
        }
        Collections.shuffle(kept, new Random(seed));
        int holdoutSize = Math.min(kept.size() - 1, Math.max(1, (int) Math.round(kept.size() * holdoutFraction)));
        List<Integer> trainRows = kept.subList(0, kept.size() - holdoutSize);
        List<Integer> holdoutRows = kept.subList(kept.size() - holdoutSize, kept.size());

        List<InputSchema.Column> schemaColumns = new ArrayList<>();
        List<Integer> inputs = new ArrayList<>();
        double[] fills = new double[columns];
        for (int c = 0; c < columns; c++) {
            if (c == targetIndex) {
                continue;
            }
            inputs.add(c);
            String name = table.names().get(c);
            if (table.numeric().get(c)) {
                double sum = 0;
                int count = 0;
                for (int r : trainRows) {
                    Object value = table.rows().get(r)[c];
                    if (value != null) {
                        sum += (Double) value;
                        count++;
                    }
                }
                boolean anyMissing = false;
                for (int r : kept) {
                    anyMissing |= table.rows().get(r)[c] == null;
                }
                fills[c] = count == 0 ? 0 : sum / count;
                schemaColumns.add(InputSchema.Column.number(name, anyMissing ? fills[c] : null));
            } else {
                TreeSet<String> categories = new TreeSet<>();
                for (int r : trainRows) {
                    Object value = table.rows().get(r)[c];
                    if (value != null) {
                        categories.add((String) value);
                    }
                }
                schemaColumns.add(InputSchema.Column.text(name, categories));
            }
        }
        InputSchema schema = new InputSchema(schemaColumns);
        int[] counts = new int[2];
        MutableDataset<T> training = dataset(table, trainRows, inputs, fills, schemaColumns, targetIndex, factory, targets,
                description + " (training rows)", counts);
        MutableDataset<T> holdout = dataset(table, holdoutRows, inputs, fills, schemaColumns, targetIndex, factory, targets,
                description + " (holdout rows)", counts);
        return new Encoded<>(schema, training, holdout, table.rows().size() - kept.size() + counts[1], counts[0]);
    }

    private static <T extends Output<T>> MutableDataset<T> dataset(Table table, List<Integer> rows, List<Integer> inputs,
            double[] fills, List<InputSchema.Column> schemaColumns, int targetIndex, OutputFactory<T> factory,
            TargetReader<T> targets, String description, int[] counts) {
        MutableDataset<T> dataset = new MutableDataset<>(new SimpleDataSourceProvenance(description, factory), factory);
        List<String> names = new ArrayList<>(inputs.size());
        double[] values = new double[inputs.size()];
        for (int r : rows) {
            Object[] row = table.rows().get(r);
            names.clear();
            int n = 0;
            for (int i = 0; i < inputs.size(); i++) {
                int c = inputs.get(i);
                InputSchema.Column column = schemaColumns.get(i);
                Object value = row[c];
                if (column.type() == InputSchema.ColumnType.NUMBER) {
                    if (value == null) {
                        counts[0]++;
                    }
                    names.add(column.name());
                    values[n++] = value == null ? fills[c] : (Double) value;
                } else if (value != null && Collections.binarySearch(column.categories(), (String) value) >= 0) {
                    names.add(InputSchema.featureName(column.name(), (String) value));
                    values[n++] = 1.0;
                }
            }
            T output = targets.read(row[targetIndex], table.line(r));
            if (n == 0) {
                // Tribuo refuses an example without features: a row whose only inputs are unseen categories.
                counts[1]++;
                continue;
            }
            dataset.add(new ArrayExample<>(output, names.toArray(String[]::new), java.util.Arrays.copyOf(values, n)));
        }
        return dataset;
    }
}
