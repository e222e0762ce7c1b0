package dev.lodestar.drift.stats;

/**
 * A statistical test or distance that decides whether a feature drifted. The first three give a p-value (drift when
 * it falls below the threshold), the others a distance (drift when it reaches the threshold).
 */
public enum DriftTest {

    /** Two-sample Kolmogorov-Smirnov test on the two distributions (numbers only); p-value. */
    KS(true),

    /** Pearson's chi-squared goodness of fit of the current counts to the reference shares; p-value. */
    CHI_SQUARED(true),

    /** Two-proportion z-test of the first category's share against the rest (pooled, two-sided); p-value. */
    Z_TEST(true),

    /** Wasserstein-1 (earth mover's) distance divided by the reference's standard deviation (numbers only). */
    WASSERSTEIN(false),

    /** Jensen-Shannon distance (natural logarithm) between the binned or categorical shares. */
    JENSEN_SHANNON(false),

    /** Population stability index over reference-decile bins (numbers) or categories (text). */
    PSI(false);

    private final boolean givesPValue;

    DriftTest(boolean givesPValue) {
        this.givesPValue = givesPValue;
    }

    /** Whether the statistic is judged by a p-value (true) or is itself a distance compared with the threshold. */
    public boolean givesPValue() {
        return givesPValue;
    }
}
