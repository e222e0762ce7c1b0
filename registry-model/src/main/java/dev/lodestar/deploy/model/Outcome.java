package dev.lodestar.deploy.model;

import java.util.regex.Pattern;

/**
 * The actual outcome of a prediction, checked the same way wherever it arrives (the inference server's
 * {@code Feedback} call, the gateway's {@code logFeedback} and the servers' window sends), so an outcome one side
 * accepts is never refused by the other.
 *
 * @param id the prediction it belongs to
 * @param actual the outcome, stripped of surrounding white space: a label, or a decimal number for a regression
 */
public record Outcome(PredictionId id, String actual) {

    /** The longest outcome accepted. */
    public static final int MAX_ACTUAL = 1_000;

    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    /**
     * Checks an outcome: the id is a prediction id, the actual is 1 to {@link #MAX_ACTUAL} characters, and a finite
     * decimal number when the prediction answered a regression value.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Outcome of(String predictionId, String actual) {
        PredictionId id = PredictionId.parse(predictionId);
        String stripped = actual == null ? "" : actual.strip();
        if (stripped.isEmpty()) {
            throw new IllegalArgumentException("the actual outcome is required");
        }
        if (stripped.length() > MAX_ACTUAL) {
            throw new IllegalArgumentException("the actual outcome is at most " + MAX_ACTUAL + " characters");
        }
        if (id.answer() instanceof PredictionId.Value
                && (!DECIMAL.matcher(stripped).matches() || !Double.isFinite(Double.parseDouble(stripped)))) {
            throw new IllegalArgumentException("the prediction is a regression value, so the actual outcome must be a"
                    + " decimal number, not '" + stripped + "'");
        }
        return new Outcome(id, stripped);
    }
}
