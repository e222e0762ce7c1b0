package dev.lodestar.audit.model;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One state change: who did what to which resource, when, from where, and the resource before and after.
 * The table is append-only; a database trigger refuses UPDATE, DELETE and TRUNCATE.
 */
@Entity
@Table(name = "audit_event")
public class AuditEventEntity {

    /** Unique and growing within one gateway, handed out in blocks of 50 (see migration V3). */
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "audit_event_sequence")
    @SequenceGenerator(name = "audit_event_sequence", sequenceName = "audit_event_sequence_seq", allocationSize = 50)
    public Long sequence;

    @Column(nullable = false)
    public Instant at;

    /** The token subject of the actor. */
    @Column(name = "actor_subject", nullable = false)
    public String actorSubject;

    @Column(name = "actor_name", nullable = false)
    public String actorName;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "actor_roles", nullable = false)
    public String[] actorRoles;

    @Column(nullable = false)
    public String action;

    @Column(name = "resource_type", nullable = false)
    public String resourceType;

    @Column(name = "resource_id", nullable = false)
    public String resourceId;

    /** The resource before the change, as JSON with secrets removed; null for creations. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String before;

    /** The resource after the change, as JSON with secrets removed; null for deletions. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String after;

    public String reason;

    @Column(name = "request_id")
    public String requestId;

    @Column(name = "client_address")
    public String clientAddress;
}
