package dev.lodestar.experiments;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.experiments.model.ExperimentEntity;

/** An experiment as the API shows it. */
@Type("Experiment")
@Description("A named group of runs, e.g. one modelling question.")
public record Experiment(
        @Id @NonNull String id,
        @NonNull String name,
        String description,
        @Description("Archived experiments take no new runs until restored.") boolean archived,
        @NonNull String createdBy,
        @NonNull Instant createdAt,
        @NonNull Instant updatedAt) {

    public static Experiment of(ExperimentEntity entity) {
        return new Experiment(entity.id.toString(), entity.name, entity.description,
                entity.lifecycle == ExperimentEntity.Lifecycle.ARCHIVED, entity.createdBy, entity.createdAt,
                entity.updatedAt);
    }

    long numericId() {
        return Long.parseLong(id);
    }
}
