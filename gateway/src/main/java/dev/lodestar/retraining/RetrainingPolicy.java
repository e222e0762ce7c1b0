package dev.lodestar.retraining;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.retraining.model.RetrainingPolicyEntity;
import dev.lodestar.retraining.model.RetrainingTrigger;

/** A retraining policy as the API shows it. */
@Type("RetrainingPolicy")
@Description("What starts a retraining of a model: a training job with the spec of the job behind the alias's version, on"
        + " the newest version of its dataset; once the new version is READY, a promotion request to the alias, requested"
        + " by the system with the drift report as evidence.")
public record RetrainingPolicy(
        @NonNull String model,
        @NonNull String alias,
        @NonNull List<@NonNull RetrainingTrigger> triggers,
        String scheduleEvery,
        Instant lastScheduledAt,
        @NonNull String updatedBy,
        @NonNull Instant updatedAt) {

    static RetrainingPolicy of(RetrainingPolicyEntity entity, String model) {
        List<RetrainingTrigger> triggers = new ArrayList<>();
        if (entity.onAlert) {
            triggers.add(RetrainingTrigger.ON_ALERT);
        }
        if (entity.scheduleEvery != null) {
            triggers.add(RetrainingTrigger.SCHEDULE);
        }
        if (entity.onNewDataset) {
            triggers.add(RetrainingTrigger.NEW_DATASET_VERSION);
        }
        return new RetrainingPolicy(model, entity.alias, triggers, entity.scheduleEvery, entity.lastScheduledAt, entity.updatedBy,
                entity.updatedAt);
    }
}
