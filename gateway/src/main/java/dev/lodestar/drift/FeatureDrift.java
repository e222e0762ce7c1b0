package dev.lodestar.drift;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * One feature's comparison.
 *
 * @param feature   the column's name ({@code prediction} for prediction drift)
 * @param test      the test applied: {@code KS}, {@code CHI_SQUARED}, {@code Z_TEST}, {@code WASSERSTEIN},
 *                  {@code JENSEN_SHANNON} or {@code PSI}
 * @param statistic the test's statistic (distance for Wasserstein and Jensen-Shannon)
 * @param pValue    the p-value, for the hypothesis tests; null for distances
 * @param threshold the p-value below which, or the distance above which, the feature drifted
 * @param drifted   whether it drifted
 * @param psi       the population stability index, always computed
 * @param rows      live values compared (missing values excluded)
 * @param histogram reference and live shares per bin, for charts
 */
@Type("FeatureDrift")
@Description("One feature's drift: the test chosen, its statistic and threshold, and PSI.")
public record FeatureDrift(
        @NonNull String feature,
        @NonNull String test,
        double statistic,
        Double pValue,
        double threshold,
        boolean drifted,
        double psi,
        int rows,
        @NonNull DriftHistogram histogram) {
}
