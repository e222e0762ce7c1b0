package dev.lodestar.drift;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * How a deployment's live inputs and predictions over a period compare with the reference profile of the version
 * that served it at the end of the period.
 *
 * @param deployment      the deployment's name
 * @param model           the model it serves
 * @param version         the version serving at {@code to}, whose reference is compared with
 * @param from            the start of the period (inclusive)
 * @param to              the end of the period (exclusive)
 * @param rows            live rows in the windows overlapping the period (all versions)
 * @param windows         how many distinct windows contributed
 * @param dropped         rows the inference servers could not profile (their buffers were full)
 * @param datasetDrift    whether at least the settings' share of features drifted
 * @param driftShare      the share of features that drifted
 * @param features        one comparison per input column of the reference, in the reference's order
 * @param predictionDrift the comparison of the version's live predictions with its reference predictions; null
 *                        without live predictions or without a reference
 * @param reference       the reference profile compared with; null when the version has none (then
 *                        {@code features} is empty)
 * @param performance     live performance from actual outcomes against the training evaluation; null without
 *                        outcomes
 */
@Type("DriftReport")
@Description("How a deployment's live data over a period compares with the reference of the version serving at its end.")
public record DriftReport(
        @NonNull String deployment,
        @NonNull String model,
        int version,
        @NonNull Instant from,
        @NonNull Instant to,
        int rows,
        int windows,
        long dropped,
        boolean datasetDrift,
        double driftShare,
        @NonNull List<@NonNull FeatureDrift> features,
        FeatureDrift predictionDrift,
        ReferenceProfile reference,
        LivePerformance performance) {
}
