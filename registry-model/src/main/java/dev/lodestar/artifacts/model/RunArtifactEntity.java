package dev.lodestar.artifacts.model;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A file a run logged, under a path of the run's own (e.g. {@code model/model.tribuo}). */
@Entity
@Table(name = "run_artifact")
@IdClass(RunArtifactEntity.Key.class)
public class RunArtifactEntity {

    @Id
    @Column(name = "run_id")
    public UUID runId;

    @Id
    public String path;

    @Column(name = "artifact_id", nullable = false)
    public UUID artifactId;

    @Column(name = "logged_at", nullable = false)
    public Instant loggedAt;

    /** Primary key: run and path. */
    public record Key(UUID runId, String path) implements Serializable {
    }
}
