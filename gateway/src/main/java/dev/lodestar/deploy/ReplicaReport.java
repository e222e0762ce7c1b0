package dev.lodestar.deploy;

import java.util.List;

/**
 * What an inference replica serves, as it reports with {@code PUT /api/serving/replicas/{replicaId}} after every
 * change and as a heartbeat.
 *
 * @param address     where it serves, {@code host:port}
 * @param revision    the desired-state revision it has applied
 * @param deployments what it holds per deployment
 */
public record ReplicaReport(String address, Long revision, List<DeploymentReport> deployments) {

    /** The versions a replica holds for one deployment. */
    public record DeploymentReport(String name, List<VersionReport> versions) {
    }

    /**
     * One version held.
     *
     * @param error      why loading failed, for {@code FAILED}
     * @param loadMillis how long loading and warming up took
     */
    public record VersionReport(Integer version, ServingRole role, ServingState state, String error, Long loadMillis) {
    }
}
