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
 * A rule on one deployment, judged once on every closed window of its traffic. Only the fields of its
 * {@link #kind} are set (the database checks it). {@link #checkedUntil} is the end of the last window judged, so a
 * window is never judged twice.
 */
@Entity
@Table(name = "monitor")
public class MonitorEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "deployment_name", nullable = false)
    public String deploymentName;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public MonitorKind kind;

    /** The feature of a {@code FEATURE_DRIFT} monitor. */
    public String feature;

    /** The metric of a {@code PERFORMANCE_BELOW} monitor. */
    public String metric;

    /** The bound of a {@code PERFORMANCE_BELOW} monitor. */
    public Double bound;

    /** The fewest rows a window of a {@code VOLUME} monitor may have, or null. */
    @Column(name = "min_rows")
    public Long minRows;

    /** The most rows a window of a {@code VOLUME} monitor may have, or null. */
    @Column(name = "max_rows")
    public Long maxRows;

    @Column(name = "checked_until")
    public Instant checkedUntil;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
