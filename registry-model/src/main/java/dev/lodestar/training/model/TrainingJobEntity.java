package dev.lodestar.training.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A training job: what to train (the validated input, as JSON), where it is (status, stage, progress), what it
 * produced (run, model version) and who holds it. A running job is held by the worker named in
 * {@link #leaseOwner} until {@link #leaseUntil}; the worker renews the lease while it works, so a lease in the
 * past means the worker died and the job may be claimed again, up to the configured number of attempts.
 */
@Entity
@Table(name = "training_job")
public class TrainingJobEntity {

    @Id
    public UUID id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public JobStatus status;

    /** The TrainModelInput as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String spec;

    /** From 0 to 1. */
    public double progress;

    public String stage;

    @Column(name = "run_id")
    public UUID runId;

    @Column(name = "model_name")
    public String modelName;

    @Column(name = "model_version")
    public Integer modelVersion;

    public String error;

    public int attempts;

    @Column(name = "lease_owner")
    public String leaseOwner;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    @Column(name = "cancel_requested")
    public boolean cancelRequested;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;
}
