package dev.lodestar.registry.model;

import java.io.Serializable;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A key-value tag of a model version. */
@Entity
@Table(name = "model_version_tag")
@IdClass(ModelVersionTagEntity.Key.class)
public class ModelVersionTagEntity {

    @Id
    @Column(name = "model_id")
    public Long modelId;

    @Id
    public int version;

    @Id
    public String key;

    @Column(nullable = false)
    public String value;

    /** Primary key: model, version and tag key. */
    public record Key(Long modelId, int version, String key) implements Serializable {
    }
}
