package dev.lodestar.experiments.model;

import java.io.Serializable;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A run parameter: written once, never changed (logging another value for the key is a conflict). */
@Entity
@Table(name = "run_param")
@IdClass(RunParamEntity.Key.class)
public class RunParamEntity {

    @Id
    @Column(name = "run_id")
    public UUID runId;

    @Id
    public String key;

    @Column(nullable = false)
    public String value;

    /** Primary key: run and parameter key. */
    public record Key(UUID runId, String key) implements Serializable {
    }
}
