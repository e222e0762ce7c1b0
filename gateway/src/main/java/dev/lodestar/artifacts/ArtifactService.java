package dev.lodestar.artifacts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.lodestar.artifacts.model.ArtifactEntity;
import dev.lodestar.artifacts.model.RunArtifactEntity;
import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.experiments.RunIds;
import dev.lodestar.experiments.RunService;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.identity.CurrentActor;

/**
 * Artifacts as records: who stored which bytes when, and which files runs logged. The bytes themselves are in
 * the {@link ArtifactStore}, written before the record; bytes whose record was never committed are unreferenced
 * and harmless.
 */
@ApplicationScoped
@Transactional
public class ArtifactService {

    private final EntityManager entityManager;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final RunService runs;

    ArtifactService(EntityManager entityManager, AuditLog audit, CurrentActor actor, RunService runs) {
        this.entityManager = entityManager;
        this.audit = audit;
        this.actor = actor;
        this.runs = runs;
    }

    /** Records stored content as a new artifact. */
    public ArtifactEntity register(ArtifactStore.Blob blob, String mediaType, String fileName) {
        ArtifactEntity artifact = new ArtifactEntity();
        artifact.id = UUID.randomUUID();
        artifact.sha256 = blob.sha256();
        artifact.size = blob.size();
        artifact.mediaType = mediaType == null || mediaType.isBlank() ? "application/octet-stream" : mediaType;
        artifact.fileName = fileName == null || fileName.isBlank() ? null : fileName;
        artifact.createdBy = actor.get().name();
        artifact.createdAt = Instant.now();
        entityManager.persist(artifact);
        audit.record(AuditAction.ARTIFACT_STORED, artifact.id.toString(), null,
                AuditLog.fields("sha256", artifact.sha256, "size", artifact.size, "mediaType", artifact.mediaType,
                        "fileName", artifact.fileName));
        return artifact;
    }

    /** Files a run under {@code path}, replacing what was there. */
    public RunArtifactEntity logToRun(String runId, String path, String artifactId) {
        UUID run = RunIds.parse(runId);
        runs.writable(run);
        ArtifactEntity artifact = get(artifactId);
        String checkedPath = RunArtifactPaths.check(path);
        RunArtifactEntity existing = entityManager.find(RunArtifactEntity.class, new RunArtifactEntity.Key(run, checkedPath));
        UUID before = existing == null ? null : existing.artifactId;
        RunArtifactEntity logged = existing == null ? new RunArtifactEntity() : existing;
        logged.runId = run;
        logged.path = checkedPath;
        logged.artifactId = artifact.id;
        logged.loggedAt = Instant.now();
        if (existing == null) {
            entityManager.persist(logged);
        }
        audit.record(AuditAction.RUN_ARTIFACT_LOGGED, runId,
                before == null ? null : Map.of("artifacts", Map.of(checkedPath, before.toString())),
                Map.of("artifacts", Map.of(checkedPath, artifact.id.toString())));
        return logged;
    }

    /** The artifact, or {@code NOT_FOUND}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ArtifactEntity get(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("'" + id + "' is not an artifact id");
        }
        ArtifactEntity artifact = entityManager.find(ArtifactEntity.class, uuid);
        if (artifact == null) {
            throw ApiException.notFound("no artifact with id " + id);
        }
        return artifact;
    }

    /** Artifacts by id, for batched fields. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<UUID, ArtifactEntity> byIds(Collection<UUID> ids) {
        Map<UUID, ArtifactEntity> found = new HashMap<>();
        if (!ids.isEmpty()) {
            entityManager.createQuery("from ArtifactEntity a where a.id in :ids", ArtifactEntity.class)
                    .setParameter("ids", ids).getResultList().forEach(a -> found.put(a.id, a));
        }
        return found;
    }

    /** The files of several runs, by path, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<UUID, List<RunArtifactEntity>> ofRuns(Collection<UUID> runIds) {
        Map<UUID, List<RunArtifactEntity>> files = new HashMap<>();
        if (!runIds.isEmpty()) {
            entityManager.createQuery("from RunArtifactEntity f where f.runId in :ids order by f.path", RunArtifactEntity.class)
                    .setParameter("ids", runIds).getResultList()
                    .forEach(f -> files.computeIfAbsent(f.runId, k -> new ArrayList<>()).add(f));
        }
        return files;
    }
}
