package dev.lodestar.experiments.model;

import java.io.Serializable;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A key-value tag of an experiment; setting a key again replaces its value. */
@Entity
@Table(name = "experiment_tag")
@IdClass(ExperimentTagEntity.Key.class)
public class ExperimentTagEntity {

    @Id
    @Column(name = "experiment_id")
    public Long experimentId;

    @Id
    public String key;

    @Column(nullable = false)
    public String value;

    /** Primary key: experiment and tag key. */
    public record Key(Long experimentId, String key) implements Serializable {
    }
}
