package dev.lodestar.drift.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

import dev.lodestar.drift.sketch.EmpiricalCdf;

/**
 * The statistics behind the drift tests, on distributions ({@link EmpiricalCdf}) and on per-bin counts or shares.
 * Each follows the definition used by scipy (and so by Evidently), which the tests check against published values.
 */
public final class DriftStatistics {

    /** Exact Kolmogorov-Smirnov p-values while both samples have at most this many values (scipy's {@code auto}). */
    static final int KS_EXACT_MAX_N = 10_000;

    /** ... and the lattice walk stays below this many cells; beyond, the asymptotic distribution is close enough. */
    static final double KS_EXACT_MAX_CELLS = 5e7;

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0.0, 1.0);

    private DriftStatistics() {
    }

    /** The two-sample Kolmogorov-Smirnov statistic: the largest vertical distance between the two step functions. */
    public static double ksStatistic(EmpiricalCdf a, EmpiricalCdf b) {
        double d = 0.0;
        int i = 0;
        int j = 0;
        double fa = 0.0;
        double fb = 0.0;
        while (i < a.size() || j < b.size()) {
            double x = Math.min(i < a.size() ? a.value(i) : Double.POSITIVE_INFINITY,
                    j < b.size() ? b.value(j) : Double.POSITIVE_INFINITY);
            while (i < a.size() && a.value(i) == x) {
                fa = a.cumulative(i++);
            }
            while (j < b.size() && b.value(j) == x) {
                fb = b.cumulative(j++);
            }
            d = Math.max(d, Math.abs(fa - fb));
        }
        return d;
    }

    /**
     * The two-sided p-value of a two-sample KS statistic {@code d} for samples of {@code n} and {@code m} values, as
     * scipy's {@code ks_2samp(method="auto")}: exact (the probability that a random lattice path strays at least
     * {@code d} from the diagonal) when both samples have at most 10,000 values, else Smirnov's asymptotic form
     * {@code kstwo.sf(d, round(n m / (n + m)))}.
     */
    public static double ksPValue(double d, long n, long m) {
        if (n <= 0 || m <= 0 || d <= 0.0) {
            return 1.0;
        }
        if (n <= KS_EXACT_MAX_N && m <= KS_EXACT_MAX_N && 2.0 * d * n * m <= KS_EXACT_MAX_CELLS) {
            return ksExactPValue(d, (int) n, (int) m);
        }
        double en = Math.rint((double) n * m / (n + m));
        int effective = (int) Math.min(Integer.MAX_VALUE, en);
        return clamp(1.0 - new KolmogorovSmirnovTest().cdf(d, effective));
    }

    /**
     * P(D >= d) by counting monotone lattice paths from (0, 0) to (n, m) that stay strictly within {@code d} of the
     * diagonal ({@code |i/n - j/m| < d}); each cell holds the fraction of the paths reaching it, so nothing overflows.
     * Only the band around the diagonal is visited.
     */
    static double ksExactPValue(double d, int n, int m) {
        long nm = (long) n * m;
        long band = Math.max(1L, (long) Math.ceil(d * nm - 1e-7));
        double[] u = new double[m + 1];
        int previousLow = 0;
        int high = (int) Math.min(m, Math.floorDiv(band - 1, (long) n));
        for (int j = 0; j <= high; j++) {
            u[j] = 1.0;
        }
        for (int i = 1; i <= n; i++) {
            long im = (long) i * m;
            int low = (int) Math.max(0L, Math.floorDiv(im - band, (long) n) + 1);
            high = (int) Math.min(m, Math.floorDiv(im + band - 1, (long) n));
            for (int j = previousLow; j < low && j <= m; j++) {
                u[j] = 0.0;
            }
            for (int j = low; j <= high; j++) {
                double fromBelow = u[j] * i / (i + j);
                double fromLeft = j > 0 ? u[j - 1] * j / (i + j) : 0.0;
                u[j] = fromBelow + fromLeft;
            }
            previousLow = low;
        }
        return clamp(1.0 - u[m]);
    }

    /**
     * Wasserstein-1 distance between two distributions: the area between their step functions, as scipy's
     * {@code wasserstein_distance}.
     */
    public static double wasserstein(EmpiricalCdf a, EmpiricalCdf b) {
        double area = 0.0;
        int i = 0;
        int j = 0;
        double fa = 0.0;
        double fb = 0.0;
        double previous = Double.NaN;
        while (i < a.size() || j < b.size()) {
            double x = Math.min(i < a.size() ? a.value(i) : Double.POSITIVE_INFINITY,
                    j < b.size() ? b.value(j) : Double.POSITIVE_INFINITY);
            if (!Double.isNaN(previous)) {
                area += Math.abs(fa - fb) * (x - previous);
            }
            while (i < a.size() && a.value(i) == x) {
                fa = a.cumulative(i++);
            }
            while (j < b.size() && b.value(j) == x) {
                fb = b.cumulative(j++);
            }
            previous = x;
        }
        return area;
    }

    /**
     * Pearson's chi-squared goodness-of-fit statistic of observed against expected counts, and its p-value with
     * {@code k - 1} degrees of freedom (scipy's {@code chisquare(f_obs, f_exp)}). Fewer than two bins: statistic 0,
     * p-value 1.
     *
     * @return {statistic, p-value}
     */
    public static double[] chiSquared(double[] observed, double[] expected) {
        if (observed.length != expected.length) {
            throw new IllegalArgumentException("one expected count per observed count");
        }
        if (observed.length < 2) {
            return new double[] {0.0, 1.0};
        }
        double statistic = 0.0;
        for (int i = 0; i < observed.length; i++) {
            double difference = observed[i] - expected[i];
            statistic += difference * difference / expected[i];
        }
        double p = 1.0 - new ChiSquaredDistribution(null, observed.length - 1).cumulativeProbability(statistic);
        return new double[] {statistic, clamp(p)};
    }

    /**
     * The pooled two-proportion z-test, two-sided: {@code z = (p1 - p2) / sqrt(P (1 - P) (1/n1 + 1/n2))} with
     * {@code P} the pooled share, p-value {@code 2 (1 - Phi(|z|))} (as statsmodels' {@code proportions_ztest} and
     * Evidently). When both samples are all-one or all-other, z is 0 and the p-value 1.
     *
     * @return {z, p-value}
     */
    public static double[] twoProportionZ(long successes1, long n1, long successes2, long n2) {
        if (n1 <= 0 || n2 <= 0) {
            return new double[] {0.0, 1.0};
        }
        double p1 = (double) successes1 / n1;
        double p2 = (double) successes2 / n2;
        double pooled = (double) (successes1 + successes2) / (n1 + n2);
        double variance = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
        if (variance <= 0.0) {
            return new double[] {0.0, 1.0};
        }
        double z = (p1 - p2) / Math.sqrt(variance);
        double p = 2.0 * STANDARD_NORMAL.cumulativeProbability(-Math.abs(z));
        return new double[] {z, clamp(p)};
    }

    /**
     * Jensen-Shannon distance, natural logarithm (scipy's {@code jensenshannon} default, which Evidently calls): the
     * square root of the mean of the two Kullback-Leibler divergences to the midpoint distribution. The inputs are
     * normalised to sum to 1 first; the result lies in [0, sqrt(ln 2)].
     */
    public static double jensenShannon(double[] p, double[] q) {
        if (p.length != q.length) {
            throw new IllegalArgumentException("both distributions need the same bins");
        }
        double sumP = sum(p);
        double sumQ = sum(q);
        if (sumP <= 0.0 || sumQ <= 0.0) {
            return 0.0;
        }
        double divergence = 0.0;
        for (int i = 0; i < p.length; i++) {
            double pi = p[i] / sumP;
            double qi = q[i] / sumQ;
            double mi = (pi + qi) / 2.0;
            if (pi > 0.0) {
                divergence += pi * Math.log(pi / mi);
            }
            if (qi > 0.0) {
                divergence += qi * Math.log(qi / mi);
            }
        }
        return Math.sqrt(Math.max(0.0, divergence / 2.0));
    }

    /**
     * The population stability index {@code sum (r - c) ln(r / c)} over bins of reference shares {@code r} and
     * current shares {@code c}. Empty bins get a small share first ({@link #fillZeroes}), as Evidently does, so the
     * index stays finite.
     */
    public static double psi(double[] reference, double[] current) {
        if (reference.length != current.length) {
            throw new IllegalArgumentException("both distributions need the same bins");
        }
        double[] r = fillZeroes(reference);
        double[] c = fillZeroes(current);
        double index = 0.0;
        for (int i = 0; i < r.length; i++) {
            index += (r[i] - c[i]) * Math.log(r[i] / c[i]);
        }
        return index;
    }

    /**
     * Replaces zero shares with 0.0001, or with a millionth of the smallest non-zero share when that is at most
     * 0.0001 (Evidently's rule for empty bins). All-zero shares are returned unchanged.
     */
    public static double[] fillZeroes(double[] shares) {
        double smallest = Double.POSITIVE_INFINITY;
        for (double share : shares) {
            if (share > 0.0) {
                smallest = Math.min(smallest, share);
            }
        }
        double[] filled = shares.clone();
        if (smallest == Double.POSITIVE_INFINITY) {
            return filled;
        }
        double fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
        for (int i = 0; i < filled.length; i++) {
            if (filled[i] <= 0.0) {
                filled[i] = fill;
            }
        }
        return filled;
    }

    private static double sum(double[] values) {
        double total = 0.0;
        for (double value : values) {
            total += value;
        }
        return total;
    }

    private static double clamp(double p) {
        return Math.max(0.0, Math.min(1.0, p));
    }
}
