package dev.lodestar.drift.stats;

import java.util.List;

/**
 * The comparison of a current profile with its reference: one {@link FeatureComparison} per reference feature, in
 * the reference's column order, and the dataset verdict.
 *
 * @param referenceRows rows in the reference profile
 * @param currentRows rows in the current profile
 * @param datasetDrift whether the share of drifted features reached the settings' drift share
 * @param driftShare drifted features / features (0 when there are none)
 * @param features per-feature results
 */
public record DriftComparison(
        long referenceRows,
        long currentRows,
        boolean datasetDrift,
        double driftShare,
        List<FeatureComparison> features) {

    public DriftComparison {
        features = List.copyOf(features);
    }

    /** The named feature's result, or null. */
    public FeatureComparison feature(String name) {
        return features.stream().filter(f -> f.feature().equals(name)).findFirst().orElse(null);
    }
}
