package dev.lodestar.drift.stats;

/**
 * How one feature's current distribution compares with its reference.
 *
 * <p>A feature with no values on one side (no current rows in the window, or a column the current data lacks) is
 * reported with its default test, statistic 0, no p-value, PSI 0 and not drifted: there is nothing to compare, and a
 * quiet window should not raise drift.
 *
 * @param feature the feature's name
 * @param test the test that decided
 * @param statistic the test's statistic: the KS distance D, the chi-squared statistic, the z statistic, the
 *        normalised Wasserstein distance, the Jensen-Shannon distance or the PSI
 * @param pValue the p-value for KS, chi-squared and the z-test; null for distances
 * @param threshold the p-value below which, or the distance from which, the feature drifts
 * @param drifted whether the feature drifted
 * @param psi the population stability index, always reported
 * @param histogram reference and current shares per bin, for charts
 */
public record FeatureComparison(
        String feature,
        DriftTest test,
        double statistic,
        Double pValue,
        double threshold,
        boolean drifted,
        double psi,
        Histogram histogram) {
}
