package dev.lodestar.artifacts.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A stored file: its identity, and the SHA-256 and size of the bytes the artifact store holds for it. */
@Entity
@Table(name = "artifact")
public class ArtifactEntity {

    @Id
    public UUID id;

    /** Lower-case hex SHA-256 of the content; the content's address in the store. */
    @Column(nullable = false)
    public String sha256;

    @Column(nullable = false)
    public long size;

    @Column(name = "media_type", nullable = false)
    public String mediaType;

    @Column(name = "file_name")
    public String fileName;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
