package dev.lodestar.monitoring.model;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A monitor's rule broken on one window of a deployment's traffic: at most one per monitor and window (the
 * database checks it). Keeps the window's drift report as evidence, and outlives its monitor.
 */
@Entity
@Table(name = "alert")
public class AlertEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** The monitor, or null once it was deleted. */
    @Column(name = "monitor_id")
    public Long monitorId;

    @Column(name = "deployment_name", nullable = false)
    public String deploymentName;

    @Column(name = "model_id", nullable = false)
    public Long modelId;

    /** The version serving the deployment at the window's end. */
    @Column(name = "model_version")
    public Integer modelVersion;

    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public String message;

    @Column(name = "window_start", nullable = false)
    public Instant windowStart;

    @Column(name = "window_end", nullable = false)
    public Instant windowEnd;

    /** The window's drift report, as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String report;

    @Column(nullable = false)
    public Instant at;
}
