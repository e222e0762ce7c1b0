package dev.lodestar.datasets.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One version of a dataset: the CSV it was registered from (an artifact, by content hash) and what parsing it
 * found. Versions of a name are numbered 1, 2, ... in the order they were registered and never change; the same
 * content registered twice is two versions sharing one stored file.
 */
@Entity
@Table(name = "dataset_version")
public class DatasetVersionEntity {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    /** 1 for the first version of {@link #name}, then one more for each. */
    @Column(nullable = false)
    public int version;

    /** The stored CSV. */
    @Column(name = "artifact_id", nullable = false)
    public UUID artifactId;

    /** Lower-case hex SHA-256 of the CSV bytes. */
    @Column(nullable = false)
    public String sha256;

    /** Data rows, the header not included. */
    @Column(nullable = false)
    public long rows;

    /** The columns in file order, as JSON: {@code [{"name": "age", "type": "NUMBER"|"TEXT"}]}. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String columns;

    /**
     * A profile per column, as JSON: {@code {"columns": [{"name", "type", "count", "missing", ...}]}}; numbers get
     * min, max, mean, stddev, quantiles and a histogram, texts distinct counts and top values.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String profile;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
