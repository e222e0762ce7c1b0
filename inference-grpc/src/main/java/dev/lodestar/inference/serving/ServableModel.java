package dev.lodestar.inference.serving;

import java.util.List;
import java.util.Map;

import dev.lodestar.inference.v1.FeatureValue;

/**
 * A loaded, compiled, warmed-up model as the serving layer uses it. Implementations are thread-safe: one
 * instance scores concurrent requests.
 */
public interface ServableModel extends AutoCloseable {

    /** An input column, in the order rows are laid out. */
    record Column(String name, boolean text) {
    }

    /** The input columns in signature order. */
    List<Column> columns();

    /** The class labels of a classifier, in score order; empty for a regression. */
    List<String> classes();

    /** The index of {@code label} in {@link #classes()}, -1 if it is not one of them. */
    default int classIndex(String label) {
        List<String> classes = classes();
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i) == label) {
                return i;
            }
        }
        return classes.indexOf(label);
    }

    /** True for a regression model (one value per row), false for a classifier. */
    default boolean regression() {
        return classes().isEmpty();
    }

    /**
     * The row as the model reads it: one cell per column, a {@code Double} for a number column and a
     * {@code String} for a text column.
     *
     * @throws IllegalArgumentException for a missing or mistyped feature; the message names it
     */
    Object[] row(Map<String, FeatureValue> features);

    /** Scores one row laid out as {@link #row} lays it out. */
    Answer score(Object[] row);

    /** Scores {@code rows} synthetic rows so the first real request finds compiled, warm code paths. */
    void warmUp(int rows);

    /** Releases native resources (XGBoost boosters); the model is not used afterwards. */
    @Override
    default void close() {
    }

    /**
     * One answer.
     *
     * @param label  the predicted class (classification), null otherwise
     * @param scores score of every class, in {@link #classes()} order (classification), null otherwise
     * @param value  the predicted value (regression)
     */
    record Answer(String label, double[] scores, double value) {
    }
}
