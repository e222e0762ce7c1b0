package dev.lodestar.artifacts;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.artifacts.model.ArtifactEntity;
import dev.lodestar.artifacts.model.RunArtifactEntity;

/** A file a run logged: its path within the run and the stored artifact holding its bytes. */
@Type("RunArtifact")
@Description("A file a run logged, under a path of its own; the bytes are at /api/artifacts/{artifactId}.")
public record RunFile(
        @NonNull String path,
        @Id @NonNull String artifactId,
        @Description("SHA-256 of the bytes, lower-case hex.") @NonNull String sha256,
        long size,
        @NonNull String mediaType,
        @NonNull Instant loggedAt) {

    static RunFile of(RunArtifactEntity logged, ArtifactEntity artifact) {
        return new RunFile(logged.path, artifact.id.toString(), artifact.sha256, artifact.size, artifact.mediaType, logged.loggedAt);
    }
}
