package dev.lodestar.experiments.model;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/**
 * The latest point of one metric of a run: the one with the highest step, then the latest time, then the
 * highest value. The history itself lives in table {@code metric}, written and read in bulk.
 */
@Entity
@Table(name = "latest_metric")
@IdClass(LatestMetricEntity.Key.class)
public class LatestMetricEntity {

    @Id
    @Column(name = "run_id")
    public UUID runId;

    @Id
    public String key;

    @Column(nullable = false)
    public long step;

    @Column(name = "ts", nullable = false)
    public Instant timestamp;

    @Column(nullable = false)
    public double value;

    /** Primary key: run and metric key. */
    public record Key(UUID runId, String key) implements Serializable {
    }
}
