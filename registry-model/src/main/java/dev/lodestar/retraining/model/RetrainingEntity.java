package dev.lodestar.retraining.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One retraining of a model: the job started with the spec of the job behind {@link #sourceVersion} on dataset
 * {@link #datasetId}, the version it produced and the promotion request opened for it. At most one per alert and
 * one {@code TRAINING} per model (the database checks both).
 */
@Entity
@Table(name = "retraining")
public class RetrainingEntity {

    @Id
    public UUID id;

    @Column(name = "model_id", nullable = false)
    public Long modelId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RetrainingTrigger trigger;

    @Column(name = "alert_id")
    public Long alertId;

    @Column(nullable = false)
    public String alias;

    /** The version at the alias when the retraining started. */
    @Column(name = "source_version")
    public Integer sourceVersion;

    @Column(name = "dataset_id")
    public UUID datasetId;

    @Column(name = "job_id")
    public UUID jobId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RetrainingStatus status;

    @Column(name = "new_version")
    public Integer newVersion;

    @Column(name = "promotion_request_id")
    public Long promotionRequestId;

    public String error;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "finished_at")
    public Instant finishedAt;
}
