package dev.lodestar.experiments;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.experiments.model.RunEntity;
import dev.lodestar.experiments.model.RunStatus;

/** A run as the API shows it. Run ids are 32 hex digits, as MLflow clients expect. */
@Type("Run")
@Description("One execution of training or evaluation code, with its params, tags and metrics.")
public record Run(
        @Id @NonNull String id,
        String name,
        @Id @NonNull String experimentId,
        @NonNull RunStatus status,
        Instant startTime,
        Instant endTime,
        @Description("User name of whoever created the run.") String user,
        @Id String parentRunId) {

    public static Run of(RunEntity entity) {
        return new Run(RunIds.format(entity.id), entity.name, entity.experimentId.toString(), entity.status,
                entity.startTime, entity.endTime, entity.userName,
                entity.parentRunId == null ? null : RunIds.format(entity.parentRunId));
    }

    UUID uuid() {
        return RunIds.parse(id);
    }
}
