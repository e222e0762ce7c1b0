package dev.lodestar.training.model;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One line of a training job's log, numbered from 1 in the order the job wrote them. */
@Entity
@Table(name = "training_job_log")
@IdClass(TrainingJobLogEntity.Key.class)
public class TrainingJobLogEntity {

    @Id
    @Column(name = "job_id")
    public UUID jobId;

    @Id
    public int seq;

    @Column(nullable = false)
    public Instant at;

    @Column(nullable = false)
    public String line;

    /** Primary key: job and line number. */
    public record Key(UUID jobId, int seq) implements Serializable {
    }
}
