package dev.lodestar.deploy;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;

/**
 * A change to a deployment; absent fields stay as they are. At most one of {@code alias} and {@code version};
 * {@code canary} and {@code clearCanary} exclude each other, as do {@code shadow} and {@code clearShadow}.
 */
@Input("UpdateDeploymentInput")
@Description("A change to a deployment; fields left out stay as they are.")
public record UpdateDeploymentInput(
        @Description("Follow this alias from now on (exclusive with version).") String alias,
        @Description("Pin this version from now on, no longer following an alias (exclusive with alias).") Integer version,
        @Description("Send a share of requests to this version.") CanaryInput canary,
        @Description("Mirror requests to this version.") ShadowInput shadow,
        @Description("Remove the canary.") Boolean clearCanary,
        @Description("Remove the shadow.") Boolean clearShadow) {

    /** A canary to set. */
    @Input("CanaryInput")
    @Description("A canary version and its share of requests.")
    public record CanaryInput(int version, @Description("1 to 99.") int percent) {
    }

    /** A shadow to set. */
    @Input("ShadowInput")
    @Description("A shadow version.")
    public record ShadowInput(int version) {
    }
}
