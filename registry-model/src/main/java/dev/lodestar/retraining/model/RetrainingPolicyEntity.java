package dev.lodestar.retraining.model;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A model's retraining policy: which triggers start a retraining of the version at {@link #alias}, and the alias
 * the retrained version is proposed for. {@link #scheduleEvery} is an ISO-8601 duration, or null for no schedule.
 */
@Entity
@Table(name = "retraining_policy")
public class RetrainingPolicyEntity {

    @Id
    @Column(name = "model_id")
    public Long modelId;

    @Column(nullable = false)
    public String alias;

    @Column(name = "on_alert", nullable = false)
    public boolean onAlert;

    @Column(name = "schedule_every")
    public String scheduleEvery;

    @Column(name = "on_new_dataset", nullable = false)
    public boolean onNewDataset;

    /** When the schedule last started (or tried to start) a retraining. */
    @Column(name = "last_scheduled_at")
    public Instant lastScheduledAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
