package dev.lodestar.registry.model;

import java.io.Serializable;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A key-value tag of a registered model. */
@Entity
@Table(name = "registered_model_tag")
@IdClass(RegisteredModelTagEntity.Key.class)
public class RegisteredModelTagEntity {

    @Id
    @Column(name = "model_id")
    public Long modelId;

    @Id
    public String key;

    @Column(nullable = false)
    public String value;

    /** Primary key: model and tag key. */
    public record Key(Long modelId, String key) implements Serializable {
    }
}
