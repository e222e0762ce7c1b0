package dev.lodestar.datasets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.lodestar.tribuo.InputSchema.ColumnType;
import dev.lodestar.graphql.ApiException;

/**
 * Checks and profiles a CSV's records as the parser hands them over: the header (required, names non-empty and
 * distinct), the width of every row, and per column its type and profile, in one pass and bounded memory.
 *
 * <p>Types: a column named in the declared types has that type. Otherwise it is NUMBER when its first
 * {@value #INFERENCE_SAMPLE} non-empty cells are all numbers (or all of them, if it has fewer), and TEXT as soon
 * as one of those is not; a later non-number in a NUMBER column is refused with its line and column, since the
 * alternative, silently reading a mostly numeric column as text, would surprise whoever trains on it. A column
 * without any value is TEXT. Empty cells are missing values in either type.
 */
final class DatasetScan implements CsvParser.Records {

    /** Non-empty cells that decide a column's type. */
    static final int INFERENCE_SAMPLE = 1000;
    /** The most columns a dataset may have. */
    static final int MAX_COLUMNS = 2000;

    static final double[] QUANTILES = { 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99 };
    static final int BINS = 20;

    /** What a finished scan found. */
    record Result(long rows, List<DatasetColumn> columns, DatasetProfile profile) {
    }

    private final Map<String, ColumnType> declared;
    private Column[] columns;
    private long rows;
    private Result result;

    /** A scan with these declared column types (possibly none). */
    DatasetScan(Map<String, ColumnType> declared) {
        this.declared = declared;
    }

    @Override
    public void record(long line, String[] fields) {
        if (columns == null) {
            header(fields);
            return;
        }
        if (fields.length != columns.length) {
            throw ApiException.invalid("line " + line + " has " + fields.length + " field" + (fields.length == 1 ? "" : "s")
                    + ", the header has " + columns.length);
        }
        rows++;
        for (int i = 0; i < fields.length; i++) {
            columns[i].add(line, fields[i]);
        }
    }

    /** What the file holds; only after {@link #end()}. */
    Result result() {
        if (result == null) {
            throw new IllegalStateException("the file has not been read to its end");
        }
        return result;
    }

    /** Checks the file as a whole once it has been read. */
    @Override
    public void end() {
        if (columns == null) {
            throw ApiException.invalid("the file is empty: a CSV needs a header row naming its columns");
        }
        if (rows == 0) {
            throw ApiException.invalid("the file has a header but no rows");
        }
        List<DatasetColumn> described = new ArrayList<>();
        List<ColumnProfile> profiles = new ArrayList<>();
        for (Column column : columns) {
            column.finish();
            described.add(new DatasetColumn(column.name, column.type));
            profiles.add(column.profile());
        }
        result = new Result(rows, described, new DatasetProfile(profiles));
    }

    private void header(String[] names) {
        if (names.length > MAX_COLUMNS) {
            throw ApiException.invalid("line 1 has " + names.length + " columns; at most " + MAX_COLUMNS + " are allowed");
        }
        Map<String, Integer> seen = new HashMap<>();
        columns = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            if (name.isBlank()) {
                throw ApiException.invalid("line 1, field " + (i + 1) + ": the column name is empty");
            }
            Integer before = seen.putIfAbsent(name, i);
            if (before != null) {
                throw ApiException.invalid("line 1, field " + (i + 1) + ": the column name '" + name
                        + "' is already the name of field " + (before + 1));
            }
            columns[i] = new Column(name, declared.get(name));
        }
        for (String name : declared.keySet()) {
            if (!seen.containsKey(name)) {
                throw ApiException.invalid("types names the column '" + name + "', which the header does not have");
            }
        }
    }

    /** One column's type decision and profile. */
    private static final class Column {

        private final String name;
        private final boolean typeDeclared;
        private ColumnType type;
        private List<String> sample = new ArrayList<>();
        private long missing;
        private long count;
        private double mean;
        private double squares;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;
        private QuantileSketch sketch;
        private TextCounts text;

        Column(String name, ColumnType declared) {
            this.name = name;
            this.typeDeclared = declared != null;
            if (declared != null) {
                decide(declared);
            }
        }

        void add(long line, String cell) {
            if (cell.isEmpty()) {
                missing++;
                return;
            }
            if (type == null) {
                if (Double.isNaN(Numbers.parse(cell))) {
                    decide(ColumnType.TEXT);
                    textValue(cell);
                } else {
                    sample.add(cell);
                    if (sample.size() == INFERENCE_SAMPLE) {
                        decide(ColumnType.NUMBER);
                    }
                }
            } else if (type == ColumnType.NUMBER) {
                double value = Numbers.parse(cell);
                if (Double.isNaN(value)) {
                    throw ApiException.invalid("line " + line + ", column '" + name + "': '" + shown(cell) + "' is not a number"
                            + (typeDeclared ? " (types declares the column NUMBER)"
                                    : ", and the column's first " + INFERENCE_SAMPLE + " values are (declare types=" + name
                                            + ":TEXT to read it as text)"));
                }
                number(value);
            } else {
                textValue(cell);
            }
        }

        void finish() {
            if (type == null) {
                decide(sample.isEmpty() ? ColumnType.TEXT : ColumnType.NUMBER);
            }
        }

        ColumnProfile profile() {
            if (type == ColumnType.TEXT) {
                return new ColumnProfile(name, type, count, missing, null, null, null, null, null, null, null,
                        text.distinct(), text.capped(), text.top());
            }
            if (count == 0) {
                return new ColumnProfile(name, type, 0, missing, null, null, null, null, List.of(), true, List.of(),
                        null, null, null);
            }
            List<ColumnProfile.Quantile> quantiles = new ArrayList<>();
            for (double p : QUANTILES) {
                quantiles.add(new ColumnProfile.Quantile(p, sketch.quantile(p)));
            }
            List<ColumnProfile.HistogramBin> histogram = new ArrayList<>();
            int bins = min == max ? 1 : BINS;
            long[] counts = sketch.histogram(min, max, bins);
            for (int i = 0; i < bins; i++) {
                double low = min + (max - min) * i / bins;
                double high = i == bins - 1 ? max : min + (max - min) * (i + 1) / bins;
                histogram.add(new ColumnProfile.HistogramBin(low, high, counts[i]));
            }
            return new ColumnProfile(name, type, count, missing, min, max, mean,
                    count < 2 ? null : Math.sqrt(squares / (count - 1)), quantiles, sketch.exact(), histogram, null, null, null);
        }

        private void decide(ColumnType decided) {
            type = decided;
            List<String> replay = sample;
            sample = null;
            if (decided == ColumnType.NUMBER) {
                sketch = new QuantileSketch();
                if (replay != null) {
                    replay.forEach(cell -> number(Numbers.parse(cell)));
                }
            } else {
                text = new TextCounts();
                if (replay != null) {
                    replay.forEach(this::textValue);
                }
            }
        }

        private void textValue(String cell) {
            count++;
            text.add(cell);
        }

        private void number(double value) {
            count++;
            double delta = value - mean;
            mean += delta / count;
            squares += delta * (value - mean);
            min = Math.min(min, value);
            max = Math.max(max, value);
            sketch.add(value);
        }

        private static String shown(String cell) {
            return cell.length() > 50 ? cell.substring(0, 50) + "…" : cell;
        }
    }
}
