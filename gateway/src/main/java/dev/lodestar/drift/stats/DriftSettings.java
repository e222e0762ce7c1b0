package dev.lodestar.drift.stats;

import java.util.Map;

/**
 * How drift is judged for a model: thresholds per kind of test, the reference size that separates "small" from
 * "large" references (and so the choice of test), the share of drifted features that makes the dataset drift, and
 * per-feature overrides of the test and its threshold. Serializes to and from JSON as is (Jackson); absent (null)
 * values take the defaults of {@link #DEFAULTS}, the values Evidently uses by default.
 *
 * @param overrides per feature name, the test and/or threshold to use instead of the default choice
 * @param smallSampleRows references with at most this many values count as small (KS, chi-squared, z-test); default 1000
 * @param pValue p-value threshold of KS, chi-squared and z-test; default 0.05
 * @param wassersteinThreshold normalised Wasserstein distance at which a feature drifts; default 0.1
 * @param jensenShannonThreshold Jensen-Shannon distance at which a feature drifts; default 0.1
 * @param psiThreshold PSI at which a feature drifts, when PSI is the chosen test; default 0.1
 * @param driftShare the dataset drifts when at least this share of its features drift; default 0.5
 */
public record DriftSettings(
        Map<String, FeatureOverride> overrides,
        Long smallSampleRows,
        Double pValue,
        Double wassersteinThreshold,
        Double jensenShannonThreshold,
        Double psiThreshold,
        Double driftShare) {

    /** Evidently's defaults, no overrides. */
    public static final DriftSettings DEFAULTS = new DriftSettings(Map.of(), 1000L, 0.05, 0.1, 0.1, 0.1, 0.5);

    public DriftSettings {
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
        smallSampleRows = smallSampleRows == null ? 1000L : smallSampleRows;
        pValue = pValue == null ? 0.05 : pValue;
        wassersteinThreshold = wassersteinThreshold == null ? 0.1 : wassersteinThreshold;
        jensenShannonThreshold = jensenShannonThreshold == null ? 0.1 : jensenShannonThreshold;
        psiThreshold = psiThreshold == null ? 0.1 : psiThreshold;
        driftShare = driftShare == null ? 0.5 : driftShare;
        if (smallSampleRows < 0) {
            throw new IllegalArgumentException("smallSampleRows must not be negative: " + smallSampleRows);
        }
        requireProbability("pValue", pValue);
        requirePositive("wassersteinThreshold", wassersteinThreshold);
        requirePositive("jensenShannonThreshold", jensenShannonThreshold);
        requirePositive("psiThreshold", psiThreshold);
        if (!(driftShare > 0.0 && driftShare <= 1.0)) {
            throw new IllegalArgumentException("driftShare must be in (0, 1]: " + driftShare);
        }
        for (Map.Entry<String, FeatureOverride> entry : overrides.entrySet()) {
            FeatureOverride override = entry.getValue();
            if (override.threshold() != null) {
                DriftTest test = override.test();
                if (test != null && test.givesPValue()) {
                    requireProbability("threshold of " + entry.getKey(), override.threshold());
                } else {
                    requirePositive("threshold of " + entry.getKey(), override.threshold());
                }
            }
        }
    }

    /** These settings with one feature's override replaced. */
    public DriftSettings withOverride(String feature, FeatureOverride override) {
        Map<String, FeatureOverride> changed = new java.util.HashMap<>(overrides);
        changed.put(feature, override);
        return new DriftSettings(changed, smallSampleRows, pValue, wassersteinThreshold, jensenShannonThreshold,
                psiThreshold, driftShare);
    }

    /** The default threshold of a test under these settings. */
    public double thresholdOf(DriftTest test) {
        return switch (test) {
            case KS, CHI_SQUARED, Z_TEST -> pValue;
            case WASSERSTEIN -> wassersteinThreshold;
            case JENSEN_SHANNON -> jensenShannonThreshold;
            case PSI -> psiThreshold;
        };
    }

    private static void requireProbability(String name, double value) {
        if (!(value > 0.0 && value < 1.0)) {
            throw new IllegalArgumentException(name + " must be in (0, 1): " + value);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive number: " + value);
        }
    }

    /**
     * One feature's override: the test to use (null: the default choice) and its threshold (null: the settings'
     * threshold for that test).
     *
     * @param test the test, or null for the default choice
     * @param threshold the threshold, or null for the default of the test
     */
    public record FeatureOverride(DriftTest test, Double threshold) {
    }
}
