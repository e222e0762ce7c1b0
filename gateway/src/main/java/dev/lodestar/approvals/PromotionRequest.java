package dev.lodestar.approvals;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.approvals.model.PromotionRequestEntity;
import dev.lodestar.approvals.model.PromotionStatus;

/** A promotion request as the API shows it. */
@Type("PromotionRequest")
@Description("A request to point a model's protected alias at a version; the last approval it needs moves the alias.")
public record PromotionRequest(
        @Id @NonNull String id,
        @NonNull PromotionStatus status,
        @Description("The model.") @NonNull String name,
        int version,
        @NonNull String alias,
        @NonNull String reason,
        @NonNull String requestedBy,
        @Description("Distinct approvals needed (the model's policy when the request was made).") int requiredApprovals,
        @NonNull Instant createdAt,
        @NonNull Instant expiresAt,
        Instant decidedAt,
        @Description("Who decided: the last approver, the rejecting approver, the requester who cancelled, or system.") String decidedBy,
        @Description("The rejection's reason.") String decisionReason,
        @Ignore long modelId,
        @Ignore String evidenceJson) {

    static PromotionRequest of(PromotionRequestEntity entity, String modelName) {
        return new PromotionRequest(entity.id.toString(), entity.status, modelName, entity.version, entity.alias,
                entity.reason, entity.requestedBy, entity.requiredApprovals, entity.createdAt, entity.expiresAt,
                entity.decidedAt, entity.decidedBy, entity.decisionReason, entity.modelId, entity.evidence);
    }
}
