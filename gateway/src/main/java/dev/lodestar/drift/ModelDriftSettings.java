package dev.lodestar.drift;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * The drift settings a model's reports use.
 *
 * @param model     the model
 * @param custom    false while the model uses the defaults
 * @param features  per-feature tests and thresholds
 * @param updatedBy who set them last; null for defaults
 * @param updatedAt when; null for defaults
 */
@Type("ModelDriftSettings")
@Description("The drift tests and thresholds of a model.")
public record ModelDriftSettings(
        @NonNull String model,
        boolean custom,
        int smallSampleRows,
        double pValue,
        double wassersteinThreshold,
        double jensenShannonThreshold,
        double psiThreshold,
        double driftShare,
        @NonNull List<@NonNull FeatureTest> features,
        String updatedBy,
        Instant updatedAt) {

    /** One feature's test and threshold (null: the model's threshold for that test). */
    @Type("FeatureTest")
    @Description("The test one feature gets.")
    public record FeatureTest(@NonNull String feature, @NonNull String test, Double threshold) {
    }
}
