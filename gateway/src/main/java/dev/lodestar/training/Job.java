package dev.lodestar.training;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.experiments.RunIds;
import dev.lodestar.training.model.JobStatus;
import dev.lodestar.training.model.TrainingJobEntity;

/** A training job as the API shows it. */
@Type("Job")
@Description("A training job. It is QUEUED until a worker of some gateway claims it, RUNNING while that worker"
        + " holds its lease (a job whose worker died is retried, up to a number of attempts), then SUCCEEDED, FAILED"
        + " or CANCELLED. Missing values follow the job's 'missing' param: impute (a NUMBER takes the training mean,"
        + " recorded as the column's fill; a TEXT is no category; rows without a target are left out) or refuse (the"
        + " job fails naming the line and column). A model that misses an evaluation gate is registered as a"
        + " FAILED_REGISTRATION version with the reason, and the job FAILS with the same reason.")
public record Job(
        @Id @NonNull String id,
        @NonNull JobStatus status,
        @Description("From 0 to 1.") double progress,
        @Description("What the job is doing or did last: queued, loading dataset, encoding, training, evaluating,"
                + " storing artifact, registering, done.") String stage,
        @Description("The run the job logs its params and holdout metrics to, once it started.") @Id String runId,
        @Description("Why the job failed (an error, an unmet evaluation gate, too many attempts).") String error,
        @Id @NonNull String experimentId,
        @Id @NonNull String datasetId,
        @NonNull String target,
        @NonNull Task task,
        @NonNull TrainerKind trainer,
        @Description("The registered model the result becomes a version of.") @NonNull String registerAs,
        @Description("How many times a worker started the job.") int attempts,
        @Description("True once cancellation was asked for a running job; the worker stops at its next checkpoint.") boolean cancelRequested,
        @NonNull String createdBy,
        @NonNull Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        @Ignore String modelName,
        @Ignore Integer modelVersionNumber,
        @Ignore TrainingSpec spec) {

    static Job of(TrainingJobEntity entity, TrainingSpec spec) {
        return new Job(entity.id.toString(), entity.status, entity.progress, entity.stage,
                entity.runId == null ? null : RunIds.format(entity.runId), entity.error, Long.toString(spec.experimentId()),
                spec.datasetId().toString(), spec.target(), spec.task(), spec.trainer(), spec.registerAs(), entity.attempts,
                entity.cancelRequested, entity.createdBy, entity.createdAt, entity.startedAt, entity.finishedAt,
                entity.modelName, entity.modelVersion, spec);
    }

    UUID uuid() {
        return UUID.fromString(id);
    }
}
