package dev.lodestar.deploy.model;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One change of a deployment and the desired state after it. Rows are kept after the deployment is deleted (a
 * {@link DeploymentChange#DELETED} row with no versions closes its story), so the version a deployment served at
 * any time is that of its latest row at or before that time.
 */
@Entity
@Table(name = "deployment_history")
public class DeploymentHistoryEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "deployment_name", nullable = false)
    public String deploymentName;

    @Column(name = "model_id", nullable = false)
    public Long modelId;

    @Column(nullable = false)
    public long revision;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DeploymentChange reason;

    /** What caused the change, for people: the alias move, the promotion request. */
    public String detail;

    public String alias;

    /** Null only on the {@link DeploymentChange#DELETED} row. */
    @Column(name = "primary_version")
    public Integer primaryVersion;

    @Column(name = "canary_version")
    public Integer canaryVersion;

    @Column(name = "canary_percent")
    public Integer canaryPercent;

    @Column(name = "shadow_version")
    public Integer shadowVersion;

    /** The promotion request whose approval caused this change (an alias moved by it), or null. */
    @Column(name = "approval_id")
    public Long approvalId;

    /** User name of who made the change (the approver, for an alias moved by a promotion). */
    @Column(nullable = false)
    public String actor;

    @Column(nullable = false)
    public Instant at;
}
