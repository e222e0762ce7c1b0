package dev.lodestar.monitoring.model;

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
 * One alert to send to one webhook (the outbox): written in the alert's transaction, claimed by a sender with
 * {@code FOR UPDATE SKIP LOCKED}, retried with exponential backoff until it is delivered or out of attempts.
 */
@Entity
@Table(name = "webhook_delivery")
public class WebhookDeliveryEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "webhook_id", nullable = false)
    public Long webhookId;

    @Column(name = "alert_id", nullable = false)
    public Long alertId;

    /** The JSON body sent, the same bytes on every attempt. */
    @Column(nullable = false)
    public String payload;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DeliveryStatus status;

    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    /** The HTTP status of the last attempt, or null if it got none. */
    @Column(name = "last_status")
    public Integer lastStatus;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
