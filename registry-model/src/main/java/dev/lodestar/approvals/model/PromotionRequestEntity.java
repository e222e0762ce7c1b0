package dev.lodestar.approvals.model;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A request to point a model's alias at a version, with the evidence shown to approvers. It needs the number
 * of distinct approvals the model's policy demanded when it was opened; the last one moves the alias.
 */
@Entity
@Table(name = "promotion_request")
public class PromotionRequestEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "model_id", nullable = false)
    public Long modelId;

    @Column(nullable = false)
    public int version;

    @Column(nullable = false)
    public String alias;

    @Column(nullable = false)
    public String reason;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public PromotionStatus status;

    @Column(name = "requested_by", nullable = false)
    public String requestedBy;

    @Column(name = "requested_by_subject", nullable = false)
    public String requestedBySubject;

    @Column(name = "required_approvals", nullable = false)
    public int requiredApprovals;

    /** What approvers see: the version's metrics, its model card, and later its drift report, as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String evidence;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "decided_at")
    public Instant decidedAt;

    @Column(name = "decided_by")
    public String decidedBy;

    @Column(name = "decision_reason")
    public String decisionReason;
}
