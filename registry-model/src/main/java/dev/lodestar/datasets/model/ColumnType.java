package dev.lodestar.datasets.model;

/**
 * The type of a dataset column. A {@code NUMBER} column holds finite doubles (or nothing, for a missing cell);
 * a {@code TEXT} column holds any text. The constants are those of the training input schema's column types.
 */
public enum ColumnType {
    /** Every non-empty cell is a finite decimal number. */
    NUMBER,
    /** Cells are text, compared as they are written. */
    TEXT
}
