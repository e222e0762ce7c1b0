package dev.lodestar.datasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Quantiles of a stream of numbers in bounded memory: a KLL-style sketch of compactors (Karnin, Lang and Liberty,
 * 2016) with the same capacity {@code k} on every level. Level {@code h} holds items that stand for {@code 2^h}
 * values each; a full level is sorted and every other item (odd or even positions, chosen at random) moves up.
 *
 * <p>Up to {@code k} values nothing is compacted and answers are exact (quantiles interpolate linearly between
 * the two nearest values, like R's type 7 and pandas). Beyond that, a quantile's rank is off by about
 * {@code sqrt(levels) / k} of the values: under 0.5% for {@code k = 2048} and a hundred million values, in
 * {@code 8 * k * levels} bytes (about 250 KB). The random choices are seeded, so the same file always gives the
 * same profile.
 */
final class QuantileSketch {

    /** Values kept before compacting starts, and items kept per level. */
    static final int K = 2048;

    private final List<double[]> levels = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(4180);
    private long count;

    void add(double value) {
        count++;
        insert(0, value);
    }

    /** True while every value is still kept, so answers are exact. */
    boolean exact() {
        return levels.size() <= 1;
    }

    long count() {
        return count;
    }

    /** The {@code p}-quantile ({@code 0 <= p <= 1}) of the values added; NaN if there are none. */
    double quantile(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        if (exact()) {
            double[] sorted = Arrays.copyOf(levels.get(0), sizes.get(0));
            Arrays.sort(sorted);
            double h = (sorted.length - 1) * p;
            int low = (int) Math.floor(h);
            int high = Math.min(low + 1, sorted.length - 1);
            return sorted[low] + (h - low) * (sorted[high] - sorted[low]);
        }
        Weighted all = weighted();
        double target = p * count;
        long seen = 0;
        for (int i = 0; i < all.values.length; i++) {
            seen += all.weights[i];
            if (seen >= target) {
                return all.values[i];
            }
        }
        return all.values[all.values.length - 1];
    }

    /**
     * How many values fall into each of {@code bins} equal bins between {@code min} and {@code max} (the last bin
     * includes {@code max}); exact while {@link #exact()}, estimated from the items' weights otherwise. The counts
     * always add up to the number of values.
     */
    long[] histogram(double min, double max, int bins) {
        long[] counts = new long[bins];
        double width = (max - min) / bins;
        for (int level = 0; level < levels.size(); level++) {
            double[] items = levels.get(level);
            long weight = 1L << level;
            for (int i = 0; i < sizes.get(level); i++) {
                int bin = width <= 0 ? 0 : (int) ((items[i] - min) / width);
                counts[Math.max(0, Math.min(bins - 1, bin))] += weight;
            }
        }
        return counts;
    }

    private void insert(int level, double value) {
        if (level == levels.size()) {
            levels.add(new double[K]);
            sizes.add(0);
        }
        double[] items = levels.get(level);
        int size = sizes.get(level);
        items[size++] = value;
        if (size < K) {
            sizes.set(level, size);
            return;
        }
        Arrays.sort(items);
        sizes.set(level, 0);
        for (int i = random.nextInt(2); i < K; i += 2) {
            insert(level + 1, items[i]);
        }
    }

    private Weighted weighted() {
        int total = sizes.stream().mapToInt(Integer::intValue).sum();
        double[] values = new double[total];
        long[] weights = new long[total];
        Integer[] order = new Integer[total];
        int n = 0;
        for (int level = 0; level < levels.size(); level++) {
            for (int i = 0; i < sizes.get(level); i++) {
                values[n] = levels.get(level)[i];
                weights[n] = 1L << level;
                order[n] = n;
                n++;
            }
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double[] sortedValues = new double[total];
        long[] sortedWeights = new long[total];
        for (int i = 0; i < total; i++) {
            sortedValues[i] = values[order[i]];
            sortedWeights[i] = weights[order[i]];
        }
        return new Weighted(sortedValues, sortedWeights);
    }

    private record Weighted(double[] values, long[] weights) {
    }
}
