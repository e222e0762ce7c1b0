package dev.lodestar.retraining;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.retraining.model.RetrainingEntity;
import dev.lodestar.retraining.model.RetrainingStatus;
import dev.lodestar.retraining.model.RetrainingTrigger;

/** A retraining as the API shows it. */
@Type("Retraining")
@Description("One retraining of a model: TRAINING while its job runs and its version registers, REQUESTED once a promotion"
        + " request for the new version is open, SKIPPED when another retraining of the model was open, FAILED with the"
        + " reason otherwise.")
public record Retraining(
        @Id @NonNull String id,
        @NonNull String model,
        @NonNull RetrainingTrigger trigger,
        @Description("The alert that started it.") @Id String alertId,
        @NonNull String alias,
        @Description("The version at the alias when it started.") Integer sourceVersion,
        @Description("The dataset version trained on: the newest of the source job's dataset.") @Id String datasetId,
        @Id String jobId,
        @NonNull RetrainingStatus status,
        Integer newVersion,
        @Id String promotionRequestId,
        String error,
        @NonNull Instant createdAt,
        Instant finishedAt) {

    static Retraining of(RetrainingEntity entity, String model) {
        return new Retraining(entity.id.toString(), model, entity.trigger, entity.alertId == null ? null : entity.alertId.toString(),
                entity.alias, entity.sourceVersion, entity.datasetId == null ? null : entity.datasetId.toString(),
                entity.jobId == null ? null : entity.jobId.toString(), entity.status, entity.newVersion,
                entity.promotionRequestId == null ? null : entity.promotionRequestId.toString(), entity.error, entity.createdAt,
                entity.finishedAt);
    }
}
