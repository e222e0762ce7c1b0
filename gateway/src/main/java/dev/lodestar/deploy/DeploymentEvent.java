package dev.lodestar.deploy;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.deploy.model.DeploymentChange;
import dev.lodestar.deploy.model.DeploymentHistoryEntity;

/** One entry of a deployment's history: a change and the desired state after it. */
@Type("DeploymentEvent")
@Description("A change of a deployment and the desired state after it.")
public record DeploymentEvent(
        @Description("The desired-state revision of the change.") int revision,
        @NonNull DeploymentChange reason,
        @Description("What caused it, e.g. the alias move and the promotion request.") String detail,
        String alias,
        @Description("The primary version after the change; null once deleted.") Integer version,
        Deployment.DeploymentCanary canary,
        Deployment.DeploymentShadow shadow,
        @Description("Who made the change (for an alias moved by a promotion, the approver whose approval moved it).") @NonNull String actor,
        @NonNull Instant at) {

    static DeploymentEvent of(DeploymentHistoryEntity row) {
        return new DeploymentEvent(Math.toIntExact(row.revision), row.reason, row.detail, row.alias, row.primaryVersion,
                row.canaryVersion == null ? null : new Deployment.DeploymentCanary(row.canaryVersion, row.canaryPercent),
                row.shadowVersion == null ? null : new Deployment.DeploymentShadow(row.shadowVersion), row.actor, row.at);
    }
}
