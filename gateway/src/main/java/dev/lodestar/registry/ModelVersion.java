package dev.lodestar.registry;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.artifacts.model.ArtifactEntity;
import dev.lodestar.experiments.RunIds;
import dev.lodestar.registry.model.ModelVersionEntity;
import dev.lodestar.registry.model.ModelVersionStatus;

/** A model version as the API shows it. */
@Type("ModelVersion")
@Description("One version of a registered model: the artifact it was registered from and what inspecting it found.")
public record ModelVersion(
        @NonNull String name,
        int version,
        @NonNull ModelVersionStatus status,
        @Description("Why registration failed, when it did.") String statusMessage,
        @Id @NonNull String artifactId,
        @Description("SHA-256 of the artifact's bytes, lower-case hex.") @NonNull String artifactSha256,
        @Description("Size of the artifact in bytes.") long artifactSize,
        @Description("TRIBUO for a Tribuo model (deployable), FILE for any other file; null until registered.") String format,
        @Id String runId,
        String description,
        @NonNull String createdBy,
        @NonNull Instant createdAt,
        @NonNull Instant updatedAt,
        @Ignore long modelId,
        @Ignore ModelVersionEntity entity) {

    static ModelVersion of(String modelName, ModelVersionEntity entity, ArtifactEntity artifact) {
        return new ModelVersion(modelName, entity.version, entity.status, entity.statusMessage, artifact.id.toString(),
                artifact.sha256, artifact.size, entity.format, entity.runId == null ? null : RunIds.format(entity.runId),
                entity.description, entity.createdBy, entity.createdAt, entity.updatedAt, entity.modelId, entity);
    }
}
