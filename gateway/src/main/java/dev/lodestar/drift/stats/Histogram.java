package dev.lodestar.drift.stats;

import java.util.List;
import java.util.Objects;

/**
 * A feature's reference and current distributions over the same bins, as shares (each array sums to 1, or is all
 * zeros for a side without values), for drawing reference-vs-live charts. Bins are value ranges ({@code "[1.5, 2)"},
 * the last one closed) for numbers with many values, the values themselves for numbers with few, and category names
 * (the most frequent ones, then {@code "(other)"}) for text. At most 21 bins.
 *
 * @param bins the bins' labels, in display order
 * @param reference the reference's share in each bin
 * @param current the current data's share in each bin
 */
public record Histogram(List<String> bins, double[] reference, double[] current) {

    public Histogram {
        bins = List.copyOf(bins);
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(current, "current");
        if (reference.length != bins.size() || current.length != bins.size()) {
            throw new IllegalArgumentException("one share per bin");
        }
        reference = reference.clone();
        current = current.clone();
    }

    /** A copy of the reference shares. */
    @Override
    public double[] reference() {
        return reference.clone();
    }

    /** A copy of the current shares. */
    @Override
    public double[] current() {
        return current.clone();
    }
}
