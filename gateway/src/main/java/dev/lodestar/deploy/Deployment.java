package dev.lodestar.deploy;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.deploy.model.DeploymentEntity;

/** A deployment as the API shows it; {@code ready}, {@code replicas} and {@code history} are batched fields. */
@Type("Deployment")
@Description("A registered model served by the inference servers under a stable endpoint name.")
public record Deployment(
        @Description("The endpoint name: lower-case letters, digits and '-', at most 63 characters (a DNS label).") @NonNull String name,
        @Description("The registered model served.") @NonNull String model,
        @Description("The alias followed (it moves with the alias, also when an approved promotion moves it), or null"
                + " when a version is pinned. If the alias is removed, the deployment keeps serving its last version and"
                + " moves again when the alias is set again.") String alias,
        @Description("The primary version, which answers requests: the pinned version, or where the alias pointed when it"
                + " last moved.") Integer version,
        @Description("The primary version before the last change of primary; rollbackDeployment returns to it.") Integer previousVersion,
        @Description("A version answering a share of requests, or null.") DeploymentCanary canary,
        @Description("A version receiving a copy of every request, its answers recorded but never returned, or null.") DeploymentShadow shadow,
        @Description("The desired-state revision of the deployment's last change.") int revision,
        @NonNull String createdBy,
        @NonNull Instant createdAt,
        @NonNull String updatedBy,
        @NonNull Instant updatedAt,
        @Ignore long id,
        @Ignore long modelId) {

    static Deployment of(DeploymentEntity entity, String modelName) {
        return new Deployment(entity.name, modelName, entity.alias, entity.primaryVersion, entity.previousVersion,
                entity.canaryVersion == null ? null : new DeploymentCanary(entity.canaryVersion, entity.canaryPercent),
                entity.shadowVersion == null ? null : new DeploymentShadow(entity.shadowVersion),
                Math.toIntExact(entity.revision), entity.createdBy, entity.createdAt, entity.updatedBy, entity.updatedAt,
                entity.id, entity.modelId);
    }

    /** A canary: the version and its share of requests. */
    @Type("DeploymentCanary")
    @Description("A version answering a share of requests (sticky by request key when the caller gives one).")
    public record DeploymentCanary(int version, @Description("Share of requests, 1 to 99 percent.") int percent) {
    }

    /** A shadow: the version receiving mirrored traffic. */
    @Type("DeploymentShadow")
    @Description("A version receiving a copy of every request; its answers are recorded, never returned.")
    public record DeploymentShadow(int version) {
    }
}
