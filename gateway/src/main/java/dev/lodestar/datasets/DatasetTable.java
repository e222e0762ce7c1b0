package dev.lodestar.datasets;

import java.util.List;

import dev.lodestar.tribuo.InputSchema.ColumnType;
import dev.lodestar.datasets.model.DatasetVersionEntity;

/**
 * A dataset version read back whole, for training: its columns with their stored types and every row, a cell
 * being a {@code Double} (NUMBER), a {@code String} (TEXT) or {@code null} (missing).
 *
 * @param version     the version read
 * @param columnNames the header, in file order
 * @param types       the type of each column, in the same order
 * @param rows        the data rows in file order, one cell per column
 * @param lines       the file line each row starts on (the header is line 1), as the upload's refusals number them
 */
public record DatasetTable(DatasetVersionEntity version, List<String> columnNames, List<ColumnType> types,
        List<Object[]> rows, long[] lines) {

    /** The file line row {@code index} (0-based) starts on, to name it in an error. */
    public long line(int index) {
        return lines[index];
    }

    /** The position of a column by name, or -1. */
    public int columnIndex(String name) {
        return columnNames.indexOf(name);
    }
}
