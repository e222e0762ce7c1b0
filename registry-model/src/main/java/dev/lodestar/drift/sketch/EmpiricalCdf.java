package dev.lodestar.drift.sketch;

import java.util.Arrays;

/**
 * A number column's distribution as a step function: the distinct values in ascending order and, for each, the
 * fraction of the column's values at or below it. Exact while the column keeps its values; otherwise built from the
 * items the KLL sketch retained, each weighted by how many values it stands for, so statistics over two columns
 * (Kolmogorov-Smirnov, Wasserstein) can walk both steps exactly in one pass. Immutable.
 */
public final class EmpiricalCdf {

    private final double[] values;
    private final double[] cumulative;
    private final long count;

    /** Takes ownership of both arrays: values strictly ascending, cumulative non-decreasing and ending at 1. */
    EmpiricalCdf(double[] values, double[] cumulative, long count) {
        this.values = values;
        this.cumulative = cumulative;
        this.count = count;
    }

    /** The distribution of a sample (any order, ties allowed; values must be finite). */
    public static EmpiricalCdf of(double... sample) {
        double[] sorted = sample.clone();
        for (double value : sorted) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("not a finite value: " + value);
            }
        }
        Arrays.sort(sorted);
        return ofSorted(sorted);
    }

    /**
     * The distribution of weighted values (any order, ties allowed; weights non-negative with a positive sum): each
     * value carries its weight's share of the mass. {@link #count()} is the number of values.
     */
    public static EmpiricalCdf weighted(double[] sample, double[] weights) {
        if (sample.length != weights.length) {
            throw new IllegalArgumentException("one weight per value");
        }
        Integer[] order = new Integer[sample.length];
        double total = 0.0;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            if (!Double.isFinite(sample[i]) || !(weights[i] >= 0.0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("value " + sample[i] + " with weight " + weights[i]);
            }
            total += weights[i];
        }
        if (!(total > 0.0)) {
            throw new IllegalArgumentException("the weights must have a positive sum");
        }
        Arrays.sort(order, (a, b) -> Double.compare(sample[a], sample[b]));
        double[] values = new double[order.length];
        double[] cumulative = new double[order.length];
        int distinct = 0;
        double running = 0.0;
        for (int index : order) {
            running += weights[index];
            if (distinct > 0 && values[distinct - 1] == sample[index]) {
                cumulative[distinct - 1] = running / total;
            } else {
                values[distinct] = sample[index];
                cumulative[distinct] = running / total;
                distinct++;
            }
        }
        cumulative[distinct - 1] = 1.0;
        return new EmpiricalCdf(Arrays.copyOf(values, distinct), Arrays.copyOf(cumulative, distinct), sample.length);
    }

    /** From sorted values (ties allowed). */
    static EmpiricalCdf ofSorted(double[] sorted) {
        double[] values = new double[sorted.length];
        double[] cumulative = new double[sorted.length];
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (distinct > 0 && values[distinct - 1] == sorted[i]) {
                cumulative[distinct - 1] = (double) (i + 1) / sorted.length;
            } else {
                values[distinct] = sorted[i];
                cumulative[distinct] = (double) (i + 1) / sorted.length;
                distinct++;
            }
        }
        return new EmpiricalCdf(Arrays.copyOf(values, distinct), Arrays.copyOf(cumulative, distinct), sorted.length);
    }

    /** From a sketch's sorted items and their cumulative weights (items may repeat). */
    static EmpiricalCdf ofWeighted(double[] items, long[] cumulativeWeights, long total) {
        double[] values = new double[items.length];
        double[] cumulative = new double[items.length];
        int distinct = 0;
        for (int i = 0; i < items.length; i++) {
            double fraction = (double) cumulativeWeights[i] / total;
            if (distinct > 0 && values[distinct - 1] == items[i]) {
                cumulative[distinct - 1] = fraction;
            } else {
                values[distinct] = items[i];
                cumulative[distinct] = fraction;
                distinct++;
            }
        }
        return new EmpiricalCdf(Arrays.copyOf(values, distinct), Arrays.copyOf(cumulative, distinct), total);
    }

    /** How many values the distribution describes. */
    public long count() {
        return count;
    }

    /** The number of steps (distinct values kept). */
    public int size() {
        return values.length;
    }

    /** The {@code i}-th distinct value, ascending. */
    public double value(int i) {
        return values[i];
    }

    /** The fraction of values at or below {@link #value(int) value(i)}. */
    public double cumulative(int i) {
        return cumulative[i];
    }

    /** The fraction of values at or below {@code x}. */
    public double atOrBelow(double x) {
        int index = upperBound(x);
        return index == 0 ? 0.0 : cumulative[index - 1];
    }

    /** The fraction of values strictly below {@code x}. */
    public double below(double x) {
        int low = 0;
        int high = values.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (values[mid] < x) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low == 0 ? 0.0 : cumulative[low - 1];
    }

    private int upperBound(double x) {
        int low = 0;
        int high = values.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (values[mid] <= x) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
