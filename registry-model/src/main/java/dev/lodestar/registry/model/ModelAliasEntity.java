package dev.lodestar.registry.model;

import java.io.Serializable;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A named pointer (e.g. {@code champion}) to one version of a model. */
@Entity
@Table(name = "model_alias")
@IdClass(ModelAliasEntity.Key.class)
public class ModelAliasEntity {

    @Id
    @Column(name = "model_id")
    public Long modelId;

    @Id
    public String alias;

    @Column(nullable = false)
    public int version;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Primary key: model and alias. */
    public record Key(Long modelId, String alias) implements Serializable {
    }
}
