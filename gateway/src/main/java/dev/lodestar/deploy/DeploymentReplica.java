package dev.lodestar.deploy;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** What one inference replica last reported holding for one deployment. */
@Type("DeploymentReplica")
@Description("What one inference replica last reported holding for this deployment.")
public record DeploymentReplica(
        @Description("The replica's id.") @NonNull String replica,
        @Description("Where it serves, host:port.") @NonNull String address,
        @Description("The desired-state revision it had applied.") int revision,
        @NonNull Instant reportedAt,
        @Description("True when the replica has not reported within lodestar.serving.replica-stale-after (30 s by default);"
                + " a stale replica does not count towards ready.") boolean stale,
        @NonNull List<@NonNull ReplicaVersion> versions) {

    /** One version loaded on a replica. */
    @Type("ReplicaVersion")
    @Description("One version loaded on a replica, its role and state.")
    public record ReplicaVersion(int version, @NonNull ServingRole role, @NonNull ServingState state,
            @Description("Why loading failed, when it did.") String error,
            @Description("How long loading and warming up took, in milliseconds.") Long loadMillis) {
    }
}
