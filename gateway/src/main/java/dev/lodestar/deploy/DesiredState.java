package dev.lodestar.deploy;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the inference servers should serve, as {@code GET /api/serving/desired-state} answers it. A server loads
 * each version's artifact ({@code GET /api/artifacts/{artifactId}}) and refuses bytes whose SHA-256 differs.
 *
 * @param revision    rises with every change; the answer's {@code ETag} is {@code "<revision>"}
 * @param deployments every deployment, by name
 */
public record DesiredState(long revision, List<Entry> deployments) {

    /**
     * One deployment.
     *
     * @param canary null without a canary
     * @param shadow null without a shadow
     */
    public record Entry(String name, String model, Target primary, Target canary, Target shadow) {
    }

    /**
     * A version to load.
     *
     * @param percent the canary's share of requests (1 to 99); absent for primary and shadow
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(int version, String artifactId, String sha256, Integer percent) {
    }
}
