package dev.lodestar.deploy.model;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A model served under a stable endpoint name. It follows an alias ({@link #alias} set, {@link #primaryVersion}
 * being where that alias pointed when it last moved) or pins a version ({@link #alias} null). A canary takes
 * {@link #canaryPercent} of the traffic; a shadow receives a copy of it and its answers are never returned.
 * Primary, canary and shadow are distinct versions (the database checks it).
 */
@Entity
@Table(name = "deployment")
public class DeploymentEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String name;

    @Column(name = "model_id", nullable = false)
    public Long modelId;

    /** The alias followed, or null for a pinned version. */
    public String alias;

    /** The version that answers requests. */
    @Column(name = "primary_version", nullable = false)
    public int primaryVersion;

    /** The primary version before the last change of primary, the target of a rollback. */
    @Column(name = "previous_version")
    public Integer previousVersion;

    @Column(name = "canary_version")
    public Integer canaryVersion;

    /** Share of requests the canary answers, 1 to 99; set exactly when {@link #canaryVersion} is. */
    @Column(name = "canary_percent")
    public Integer canaryPercent;

    @Column(name = "shadow_version")
    public Integer shadowVersion;

    /** The desired-state revision of the deployment's last change. */
    @Column(nullable = false)
    public long revision;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
