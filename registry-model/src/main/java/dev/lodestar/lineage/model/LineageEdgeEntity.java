package dev.lodestar.lineage.model;

import java.io.Serializable;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/**
 * A lineage edge: {@link #toNode} was made from {@link #fromNode}. Node ids name their kind:
 * {@code dataset:<id>}, {@code run:<id>}, {@code model:<name>:<version>}, {@code deployment:<name>}.
 * Kinds: {@code TRAINED_ON} (dataset to run) and {@code PRODUCED} (run to model version).
 */
@Entity
@Table(name = "lineage_edge")
@IdClass(LineageEdgeEntity.Key.class)
public class LineageEdgeEntity {

    @Id
    @Column(name = "from_node")
    public String fromNode;

    @Id
    @Column(name = "to_node")
    public String toNode;

    @Id
    public String kind;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Primary key: both ends and the kind. */
    public record Key(String fromNode, String toNode, String kind) implements Serializable {
    }
}
