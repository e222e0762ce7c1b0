package dev.lodestar.inference.scoring;

/**
 * A row cannot be scored because of one of its features: missing, of the wrong kind, not a finite number, or not
 * one the model reads. The server answers {@code INVALID_ARGUMENT} with {@link #getMessage()}.
 */
public final class InvalidFeatureException extends RuntimeException {

    private final String feature;

    InvalidFeatureException(String feature, String message) {
        super(message, null, false, false);
        this.feature = feature;
    }

    /** The feature at fault (the first one, when several are). */
    public String feature() {
        return feature;
    }
}
