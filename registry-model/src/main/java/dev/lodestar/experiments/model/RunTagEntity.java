package dev.lodestar.experiments.model;

import java.io.Serializable;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A key-value tag of a run; setting a key again replaces its value. */
@Entity
@Table(name = "run_tag")
@IdClass(RunTagEntity.Key.class)
public class RunTagEntity {

    @Id
    @Column(name = "run_id")
    public UUID runId;

    @Id
    public String key;

    @Column(nullable = false)
    public String value;

    /** Primary key: run and tag key. */
    public record Key(UUID runId, String key) implements Serializable {
    }
}
