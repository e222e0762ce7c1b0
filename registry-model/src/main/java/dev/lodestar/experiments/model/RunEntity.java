package dev.lodestar.experiments.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One execution of training or evaluation code under an experiment. Params, tags and metrics are rows
 * of their own ({@link RunParamEntity}, {@link RunTagEntity}, {@link LatestMetricEntity}), loaded in batches.
 */
@Entity
@Table(name = "run")
public class RunEntity {

    @Id
    public UUID id;

    @Column(name = "experiment_id", nullable = false)
    public Long experimentId;

    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RunStatus status;

    @Column(name = "start_time", nullable = false)
    public Instant startTime;

    @Column(name = "end_time")
    public Instant endTime;

    /** User name of whoever created the run, from their token. */
    @Column(name = "user_name", nullable = false)
    public String userName;

    @Column(name = "parent_run_id")
    public UUID parentRunId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Lifecycle lifecycle = Lifecycle.ACTIVE;

    /** Soft deletion, as in MLflow: a deleted run is hidden from searches but can be restored. */
    public enum Lifecycle {
        ACTIVE, DELETED
    }
}
