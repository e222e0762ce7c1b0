package dev.lodestar.inference.serving;

import java.util.List;

/**
 * What this server tells the control plane about itself (contract 2's {@code PUT /api/serving/replicas/{id}}).
 *
 * @param address     where callers reach this replica's gRPC port
 * @param revision    the desired state revision last applied
 * @param deployments every deployment held, with its versions
 */
public record ReplicaReport(String address, long revision, List<DeploymentReport> deployments) {

    /** One deployment's versions. */
    public record DeploymentReport(String name, List<VersionReport> versions) {
    }

    /**
     * One version.
     *
     * @param role       PRIMARY, CANARY or SHADOW
     * @param state      LOADING, READY, FAILED or DRAINING
     * @param error      why loading failed, null otherwise
     * @param loadMillis time the load took, null until loaded
     */
    public record VersionReport(int version, String role, String state, String error, Long loadMillis) {
    }

    /** The report of {@code state} now. */
    public static ReplicaReport of(String address, ServingState state) {
        return new ReplicaReport(address, state.applied().revision(), state.deployments().stream()
                .map(d -> new DeploymentReport(d.name(), d.versions().stream()
                        .map(v -> new VersionReport(v.version(), v.role().name(), v.state().name(), v.error(),
                                v.state() == Deployment.State.READY || v.state() == Deployment.State.DRAINING
                                        ? v.loadMillis() : null))
                        .toList()))
                .toList());
    }
}
