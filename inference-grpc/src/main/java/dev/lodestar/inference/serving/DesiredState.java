package dev.lodestar.inference.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the control plane wants this server to serve (contract 2's {@code GET /api/serving/desired-state}).
 *
 * <p>The same JSON, with a {@code path} per version, is the local file source. Parsing validates the
 * document as a whole, so a malformed state is refused before anything changes.
 *
 * @param revision    increases with every change on the control plane
 * @param deployments every deployment to serve; a deployment not listed is removed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DesiredState(long revision, List<Deployment> deployments) {

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** The state of a server that has been told nothing yet. */
    public static final DesiredState EMPTY = new DesiredState(0, List.of());

    public DesiredState {
        deployments = deployments == null ? List.of() : List.copyOf(deployments);
    }

    /**
     * One deployment.
     *
     * @param name    the stable endpoint name callers use
     * @param model   the registered model's name
     * @param primary the version answering requests
     * @param canary  a version receiving {@link VersionSpec#percent()} of the traffic, or null
     * @param shadow  a version receiving a copy of the traffic, answers recorded and never returned, or null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Deployment(String name, String model, VersionSpec primary, VersionSpec canary, VersionSpec shadow) {
    }

    /**
     * One model version to load.
     *
     * @param version    the registered version number
     * @param artifactId the artifact holding the Tribuo protobuf bytes (gateway source)
     * @param sha256     the hex SHA-256 the bytes must have
     * @param percent    canary only: share of traffic, 0-100
     * @param path       file source only: where the bytes are, relative to the state file
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record VersionSpec(int version, String artifactId, String sha256, Integer percent, String path) {

        public VersionSpec {
            sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
        }

        /** Identity of what gets loaded: a version with the same number but other bytes is another load. */
        String key() {
            return version + ":" + sha256;
        }

        /** The canary share, 0 when none is given. */
        int share() {
            return percent == null ? 0 : percent;
        }
    }

    /** Thrown for a document that is not a valid desired state; the message says what is wrong. */
    public static final class InvalidState extends Exception {
        InvalidState(String message) {
            super(message);
        }
    }

    /** Parses and validates a desired state document. */
    public static DesiredState parse(byte[] json) throws InvalidState {
        DesiredState state;
        try {
            state = JSON.readValue(json, DesiredState.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidState("not a desired state document: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidState("not a desired state document: " + e.getMessage());
        }
        if (state == null) {
            throw new InvalidState("empty desired state document");
        }
        state.validate();
        return state;
    }

    /** The document with every relative {@code path} resolved against {@code base}. */
    DesiredState resolvedAgainst(Path base) {
        return new DesiredState(revision, deployments.stream().map(d -> new Deployment(d.name(), d.model(),
                resolve(d.primary(), base), resolve(d.canary(), base), resolve(d.shadow(), base))).toList());
    }

    private static VersionSpec resolve(VersionSpec spec, Path base) {
        if (spec == null || spec.path() == null) {
            return spec;
        }
        return new VersionSpec(spec.version(), spec.artifactId(), spec.sha256(), spec.percent(),
                base.resolve(spec.path()).normalize().toString());
    }

    private void validate() throws InvalidState {
        Set<String> names = new HashSet<>();
        for (Deployment deployment : deployments) {
            if (deployment == null || deployment.name() == null || deployment.name().isBlank()) {
                throw new InvalidState("a deployment has no name");
            }
            if (!names.add(deployment.name())) {
                throw new InvalidState("deployment '" + deployment.name() + "' is listed twice");
            }
            if (deployment.primary() == null) {
                throw new InvalidState("deployment '" + deployment.name() + "' has no primary version");
            }
            check(deployment, "primary", deployment.primary());
            check(deployment, "canary", deployment.canary());
            check(deployment, "shadow", deployment.shadow());
            if (deployment.canary() != null && (deployment.canary().share() < 0 || deployment.canary().share() > 100)) {
                throw new InvalidState("deployment '" + deployment.name() + "': canary percent must be 0-100, got "
                        + deployment.canary().share());
            }
        }
    }

    private static void check(Deployment deployment, String role, VersionSpec spec) throws InvalidState {
        if (spec == null) {
            return;
        }
        String where = "deployment '" + deployment.name() + "', " + role + " version " + spec.version();
        if (spec.sha256() == null || !SHA256.matcher(spec.sha256()).matches()) {
            throw new InvalidState(where + ": sha256 must be 64 hex digits");
        }
        if ((spec.artifactId() == null || spec.artifactId().isBlank()) && (spec.path() == null || spec.path().isBlank())) {
            throw new InvalidState(where + ": neither artifactId nor path names the artifact");
        }
    }
}
