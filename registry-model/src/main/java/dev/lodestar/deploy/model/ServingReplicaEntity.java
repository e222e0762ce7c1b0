package dev.lodestar.deploy.model;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** The latest report of one inference replica: the versions it holds per deployment, their roles and states. */
@Entity
@Table(name = "serving_replica")
public class ServingReplicaEntity {

    /** The id the replica chose for itself; stable across its restarts if it wants its history kept. */
    @Id
    @Column(name = "replica_id")
    public String replicaId;

    /** Where the replica serves ({@code host:port}). */
    @Column(nullable = false)
    public String address;

    /** The desired-state revision the replica had applied when it reported. */
    @Column(nullable = false)
    public long revision;

    /** The report as JSON: {@code {"address", "revision", "deployments": [{"name", "versions": [...]}]}}. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String report;

    @Column(name = "reported_at", nullable = false)
    public Instant reportedAt;
}
