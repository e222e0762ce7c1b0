package dev.lodestar.inference.scoring;

/**
 * Scores one row (cells in schema order, already read and checked). Implementations are immutable and
 * thread-safe; classification scores are aligned with the compiled model's class names.
 */
interface Scorer {

    Score score(Object[] row);

    /** A short name of the method, for logs and metrics ({@code linear}, {@code xgboost-trees}, ...). */
    String method();

    /** Releases native resources the scorer holds; it does not score afterwards. Nothing to release by default. */
    default void close() {
    }
}
