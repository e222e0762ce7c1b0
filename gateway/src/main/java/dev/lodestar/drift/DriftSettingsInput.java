package dev.lodestar.drift;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.NonNull;

/**
 * A model's drift settings, replacing the previous ones whole; a field left out takes its default.
 *
 * @param smallSampleRows        references of at most this many rows get the hypothesis tests (default 1000)
 * @param pValue                 p-value below which a hypothesis test drifts (default 0.05)
 * @param wassersteinThreshold   normalised Wasserstein distance above which a number drifts (default 0.1)
 * @param jensenShannonThreshold Jensen-Shannon distance above which a category drifts (default 0.1)
 * @param psiThreshold           PSI above which a feature drifts when PSI is its test (default 0.1)
 * @param driftShare             share of drifted features from which the dataset drifts (default 0.5)
 * @param features               per-feature choices of test and threshold
 */
@Input("DriftSettingsInput")
@Description("Drift tests and thresholds of a model; fields left out take their defaults.")
public record DriftSettingsInput(Integer smallSampleRows, Double pValue, Double wassersteinThreshold, Double jensenShannonThreshold,
        Double psiThreshold, Double driftShare, List<@NonNull FeatureTestInput> features) {

    /**
     * One feature's test.
     *
     * @param feature   the input column
     * @param test      KS, CHI_SQUARED, Z_TEST, WASSERSTEIN, JENSEN_SHANNON or PSI
     * @param threshold the test's threshold (a p-value for KS, CHI_SQUARED and Z_TEST, a distance otherwise);
     *                  absent: the model's threshold for that test
     */
    @Input("FeatureTestInput")
    @Description("The test (and threshold) one feature gets.")
    public record FeatureTestInput(@NonNull String feature, @NonNull String test, Double threshold) {
    }
}
