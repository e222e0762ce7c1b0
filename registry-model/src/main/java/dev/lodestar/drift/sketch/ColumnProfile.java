package dev.lodestar.drift.sketch;

import java.util.Arrays;
import java.util.Map;

import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The summary of one column of a {@link Profile}. Immutable.
 *
 * <p>Every column has {@link #count()} (values present) and {@link #missing()} (values reported missing: NaN,
 * infinities and {@link ProfileBuilder#missing(int)} for numbers, null and {@code missing} for text). The other
 * accessors belong to one kind: asking a TEXT column for its {@link #quantile} or a NUMBER column for its
 * {@link #frequencies()} throws {@link IllegalStateException}.
 *
 * <p>Numbers: quantiles and the CDF come from the exact values while there are at most 1,000 of them, else from the
 * KLL sketch (normalised rank error about 1.65% with 99% confidence); count, mean, standard deviation, minimum and
 * maximum are always exact.
 */
public final class ColumnProfile {

    private final ProfileColumn column;
    private final NumberState number;
    private final TextState text;
    private final double[] sortedExact;
    private final Map<Double, Long> domain;
    private final Map<String, Long> frequencies;
    /** Built on first use; racing threads build equal copies, and the object is immutable, so no lock is needed. */
    private volatile EmpiricalCdf distribution;

    private ColumnProfile(ProfileColumn column, NumberState number, TextState text) {
        this.column = column;
        this.number = number;
        this.text = text;
        this.sortedExact = number == null ? null : number.sortedExact();
        this.domain = number == null ? null : number.domain();
        this.frequencies = text == null ? null : text.frequencies();
        if (number != null) {
            // Builds the sketch's sorted view now, so that later reads from several threads only read.
            synchronized (number.kll) {
                if (!number.kll.isEmpty()) {
                    number.kll.getSortedView();
                }
            }
        }
    }

    /** Wraps a state the caller will never change again. */
    static ColumnProfile ofNumbers(ProfileColumn column, NumberState state) {
        return new ColumnProfile(column, state, null);
    }

    /** Wraps a state the caller will never change again. */
    static ColumnProfile ofText(ProfileColumn column, TextState state) {
        return new ColumnProfile(column, null, state);
    }

    NumberState numberState() {
        return number;
    }

    TextState textState() {
        return text;
    }

    /** The column's name. */
    public String name() {
        return column.name();
    }

    /** The column's kind. */
    public ColumnKind kind() {
        return column.kind();
    }

    /** The column this summarises. */
    public ProfileColumn column() {
        return column;
    }

    /** How many values were present. */
    public long count() {
        return number != null ? number.count : text.count;
    }

    /** How many values were reported missing. */
    public long missing() {
        return number != null ? number.missing : text.missing;
    }

    /** The smallest value (NUMBER), NaN when there is none. */
    public double min() {
        return numbers().count == 0 ? Double.NaN : number.min;
    }

    /** The largest value (NUMBER), NaN when there is none. */
    public double max() {
        return numbers().count == 0 ? Double.NaN : number.max;
    }

    /** The mean (NUMBER), NaN when there are no values. */
    public double mean() {
        return numbers().mean();
    }

    /**
     * The population standard deviation (divided by the count, as numpy's default {@code std} that Evidently uses to
     * normalise the Wasserstein distance), NaN when there are no values.
     */
    public double stddev() {
        NumberState state = numbers();
        return state.count == 0 ? Double.NaN : Math.sqrt(state.squaredDeviations() / state.count);
    }

    /**
     * The smallest value whose rank (fraction of values at or below it) is at least {@code rank} (NUMBER); NaN when
     * there are no values.
     *
     * @param rank in [0, 1]
     */
    public double quantile(double rank) {
        NumberState state = numbers();
        if (!(rank >= 0.0 && rank <= 1.0)) {
            throw new IllegalArgumentException("rank must be in [0, 1]: " + rank);
        }
        if (state.count == 0) {
            return Double.NaN;
        }
        if (sortedExact != null) {
            int index = (int) Math.ceil(rank * sortedExact.length) - 1;
            return sortedExact[Math.max(0, Math.min(sortedExact.length - 1, index))];
        }
        synchronized (state.kll) {
            return state.kll.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
        }
    }

    /** The fraction of values at or below {@code value} (NUMBER); NaN when there are no values. */
    public double cdf(double value) {
        NumberState state = numbers();
        if (state.count == 0) {
            return Double.NaN;
        }
        if (sortedExact != null) {
            return (double) upperBound(sortedExact, value) / sortedExact.length;
        }
        synchronized (state.kll) {
            return state.kll.getRank(value, QuantileSearchCriteria.INCLUSIVE);
        }
    }

    /** Index of the first element greater than {@code value}. */
    private static int upperBound(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] <= value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /**
     * The distribution as a step function (NUMBER): exact while the values are kept, else from the sketch. Empty when
     * there are no values.
     */
    public EmpiricalCdf distribution() {
        NumberState state = numbers();
        EmpiricalCdf cdf = distribution;
        if (cdf == null) {
            if (sortedExact != null || state.count == 0) {
                cdf = EmpiricalCdf.ofSorted(sortedExact == null ? new double[0] : sortedExact);
            } else {
                synchronized (state.kll) {
                    DoublesSortedView view = state.kll.getSortedView();
                    cdf = EmpiricalCdf.ofWeighted(view.getQuantiles(), view.getCumulativeWeights(), view.getN());
                }
            }
            distribution = cdf;
        }
        return cdf;
    }

    /** All values, sorted, while there are at most 1,000 (NUMBER); else null. A fresh copy on each call. */
    public double[] exactValues() {
        numbers();
        return sortedExact == null ? null : sortedExact.clone();
    }

    /** Count of each value in ascending value order while there are at most 64 distinct values (NUMBER); else null. */
    public Map<Double, Long> smallDomain() {
        numbers();
        return domain;
    }

    /**
     * Count of each value, largest first (TEXT): exact while there are at most 1,024 distinct values; beyond that the
     * frequent-items sketch's estimates of the values it can tell apart from noise (each within about 0.17% of the
     * count), so the map holds the heavy values only.
     */
    public Map<String, Long> frequencies() {
        texts();
        return frequencies;
    }

    /**
     * The count of one value (TEXT): exact while the column's values are counted exactly (0 for a value not seen),
     * else the frequent-items sketch's estimate (within about 0.17% of the count; 0 for values it does not track).
     */
    public long frequency(String value) {
        return texts().frequency(value);
    }

    /** Whether {@link #frequencies()} holds every value with its exact count (TEXT). */
    public boolean exactFrequencies() {
        return texts().exact != null;
    }

    /**
     * The number of distinct values. TEXT: exact up to 1,024, an HLL estimate (about 1.6% error) beyond. NUMBER: exact
     * while the values or their counts are kept (at most 1,000 values or 64 distinct values), else -1 (unknown, more
     * than 64).
     */
    public long distinct() {
        if (text != null) {
            return text.distinctCount();
        }
        if (domain != null) {
            return domain.size();
        }
        if (sortedExact != null) {
            return Arrays.stream(sortedExact).distinct().count();
        }
        return -1;
    }

    private NumberState numbers() {
        if (number == null) {
            throw new IllegalStateException("column " + name() + " holds text, not numbers");
        }
        return number;
    }

    private TextState texts() {
        if (text == null) {
            throw new IllegalStateException("column " + name() + " holds numbers, not text");
        }
        return text;
    }

    @Override
    public String toString() {
        return "ColumnProfile[" + name() + ", " + kind() + ", count=" + count() + ", missing=" + missing() + "]";
    }
}
