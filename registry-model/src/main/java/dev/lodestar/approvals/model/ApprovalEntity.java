package dev.lodestar.approvals.model;

import java.io.Serializable;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One person's approval of a promotion request; the key makes sure nobody counts twice. */
@Entity
@Table(name = "approval")
@IdClass(ApprovalEntity.Key.class)
public class ApprovalEntity {

    @Id
    @Column(name = "request_id")
    public Long requestId;

    @Id
    @Column(name = "approver_subject")
    public String approverSubject;

    @Column(nullable = false)
    public String approver;

    public String comment;

    @Column(nullable = false)
    public Instant at;

    /** Primary key: request and approver's token subject. */
    public record Key(Long requestId, String approverSubject) implements Serializable {
    }
}
