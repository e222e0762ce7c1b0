package dev.lodestar.experiments;

import java.util.List;

/**
 * A parsed {@code searchRuns} filter: comparisons on a run's metrics, params, tags and attributes, combined
 * with {@code AND}, {@code OR} and parentheses.
 */
sealed interface RunFilter {

    /** Both sides hold. */
    record And(RunFilter left, RunFilter right) implements RunFilter {
    }

    /** Either side holds. */
    record Or(RunFilter left, RunFilter right) implements RunFilter {
    }

    /** One comparison, e.g. {@code metrics.accuracy > 0.9}; {@code values} is empty for {@code IS NULL}. */
    record Comparison(Field field, Operator operator, List<Literal> values, int position) implements RunFilter {
    }

    /** What a comparison looks at. */
    enum Kind {
        METRIC, PARAM, TAG, ATTRIBUTE
    }

    /**
     * A field: a metric, param or tag key, or an attribute name.
     *
     * @param position 1-based offset in the filter text, for error messages
     */
    record Field(Kind kind, String key, int position) {
    }

    /** Comparison operators. */
    enum Operator {
        EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), LIKE("LIKE"), ILIKE("ILIKE"), NOT_LIKE("NOT LIKE"),
        NOT_ILIKE("NOT ILIKE"), IN("IN"), NOT_IN("NOT IN"), IS_NULL("IS NULL"), IS_NOT_NULL("IS NOT NULL");

        private final String text;

        Operator(String text) {
            this.text = text;
        }

        String text() {
            return text;
        }

        boolean ordering() {
            return this == LT || this == LE || this == GT || this == GE;
        }

        boolean pattern() {
            return this == LIKE || this == ILIKE || this == NOT_LIKE || this == NOT_ILIKE;
        }
    }

    /** A value in a comparison. */
    sealed interface Literal {
        int position();
    }

    /** A number, e.g. {@code 0.5} or {@code -1e3}. */
    record NumberLiteral(double value, String text, int position) implements Literal {
    }

    /** A quoted string. */
    record TextLiteral(String value, int position) implements Literal {
    }
}
