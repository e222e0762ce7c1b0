package dev.lodestar.drift;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * What a version's reference profile was made of.
 *
 * @param model          the model's name
 * @param version        the version
 * @param datasetId      the dataset version profiled (null if it was deleted)
 * @param rows           dataset rows profiled for the features
 * @param predictionRows rows the model predicted for the prediction profile (the holdout, for a trained version)
 * @param columns        the input columns profiled, in the model's order
 * @param source         {@code TRAINING} (written by the training job) or {@code RECORDED} (recordReferenceProfile)
 * @param createdBy      who recorded it (the job's requester for training)
 * @param createdAt      when
 */
@Type("ReferenceProfile")
@Description("The reference a version's drift is measured against.")
public record ReferenceProfile(
        @NonNull String model,
        int version,
        String datasetId,
        int rows,
        int predictionRows,
        @NonNull List<@NonNull String> columns,
        @NonNull String source,
        @NonNull String createdBy,
        @NonNull Instant createdAt) {
}
