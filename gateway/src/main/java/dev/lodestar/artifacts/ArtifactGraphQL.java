package dev.lodestar.artifacts;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Source;

import dev.lodestar.artifacts.model.ArtifactEntity;
import dev.lodestar.artifacts.model.RunArtifactEntity;
import dev.lodestar.experiments.Run;
import dev.lodestar.experiments.RunIds;
import dev.lodestar.experiments.RunService;

/** Run artifacts over GraphQL: the bytes travel over {@code /api/artifacts}; GraphQL files them under runs. */
@GraphQLApi
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class ArtifactGraphQL {

    private final ArtifactService artifacts;
    private final RunService runs;

    ArtifactGraphQL(ArtifactService artifacts, RunService runs) {
        this.artifacts = artifacts;
        this.runs = runs;
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Files an uploaded artifact (POST /api/artifacts) under a path of a run, replacing what the path held."
            + " Paths are relative, '/'-separated, without '.' or '..' segments.")
    public @NonNull Run logRunArtifact(@Name("runId") @Id @NonNull String runId, @Name("path") @NonNull String path,
            @Name("artifactId") @Id @NonNull String artifactId) {
        artifacts.logToRun(runId, path, artifactId);
        return Run.of(runs.get(runId));
    }

    @Description("The files the run logged, by path.")
    public @NonNull List<@NonNull List<@NonNull RunFile>> artifacts(@Source List<Run> runList) {
        Map<UUID, List<RunArtifactEntity>> logged = artifacts.ofRuns(runList.stream().map(r -> RunIds.parse(r.id())).toList());
        Map<UUID, ArtifactEntity> stored = artifacts.byIds(logged.values().stream().flatMap(List::stream)
                .map(f -> f.artifactId).distinct().toList());
        return runList.stream().map(r -> logged.getOrDefault(RunIds.parse(r.id()), List.of()).stream()
                .map(f -> RunFile.of(f, stored.get(f.artifactId))).toList()).toList();
    }
}
