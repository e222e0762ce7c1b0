package dev.lodestar.registry.model;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One version of a registered model: the artifact it was registered from, what inspecting that artifact found
 * (format, input signature, output, Tribuo provenance), the run that produced it, and its model card.
 */
@Entity
@Table(name = "model_version")
@IdClass(ModelVersionEntity.Key.class)
public class ModelVersionEntity {

    @Id
    @Column(name = "model_id")
    public Long modelId;

    @Id
    public int version;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ModelVersionStatus status;

    @Column(name = "status_message")
    public String statusMessage;

    @Column(name = "run_id")
    public UUID runId;

    @Column(name = "artifact_id", nullable = false)
    public UUID artifactId;

    /** {@code TRIBUO} for a Tribuo model, {@code FILE} for anything else (stored as is, not deployable). */
    public String format;

    /** Input features in order, as JSON: {@code [{"name": ..., "type": "NUMBER"|"TEXT"}]}. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String signature;

    /** What the model answers, as JSON: {@code {"kind": "LABEL", "classes": [...]}} or {@code {"kind": "REGRESSION", ...}}. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String output;

    /** Tribuo's training provenance, as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String provenance;

    public String description;

    @Column(name = "card_intended_use")
    public String cardIntendedUse;

    @Column(name = "card_training_data")
    public String cardTrainingData;

    @Column(name = "card_evaluation")
    public String cardEvaluation;

    @Column(name = "card_limitations")
    public String cardLimitations;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Primary key: model and version number. */
    public record Key(Long modelId, int version) implements Serializable {
    }
}
