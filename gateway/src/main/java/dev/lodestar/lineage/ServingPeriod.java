package dev.lodestar.lineage;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * A stretch of time during which a deployment's desired state did not change.
 *
 * @param deployment    the deployment
 * @param model         its model
 * @param version       the primary version served
 * @param alias         the alias it followed, or null when pinned
 * @param canaryVersion the canary version, or null
 * @param canaryPercent the canary's share of requests, or null
 * @param shadowVersion the shadow version, or null
 * @param from          when the period began
 * @param to            when it ended (the next change), or null while it lasts
 * @param reason        the change that began it: CREATED, UPDATED, ALIAS_MOVED, ALIAS_DELETED, ROLLED_BACK
 * @param detail        what caused the change, for people
 * @param actor         who made the change
 * @param approvalId    the promotion request under whose approval the primary version served: the one whose alias
 *                      move began the period, or else the latest approved request that pointed the followed alias at
 *                      this version before the period began; null for a pinned version never approved so
 */
@Type("ServingPeriod")
@Description("A stretch of time during which a deployment served the same versions, with the change that began it and"
        + " the approval it served under.")
public record ServingPeriod(@NonNull String deployment, @NonNull String model, int version, String alias, Integer canaryVersion,
        Integer canaryPercent, Integer shadowVersion, @NonNull Instant from, Instant to, @NonNull String reason, String detail,
        @NonNull String actor, @Id String approvalId) {

    /** Whether the period covers instant {@code at}. */
    boolean covers(Instant at) {
        return !from.isAfter(at) && (to == null || to.isAfter(at));
    }
}
