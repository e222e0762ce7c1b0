package dev.lodestar.k8s.image;

import java.util.List;

/**
 * What an image runs: its repository and tag, the process it starts (as user 10001) and the ports it serves.
 *
 * @param repository e.g. {@code lodestar/gateway}
 * @param tag        the project version
 * @param entrypoint the command, with absolute paths inside the image
 * @param workingDir the process's working directory
 * @param ports      TCP ports the process listens on
 */
record ImageSpec(String repository, String tag, List<String> entrypoint, String workingDir, List<Integer> ports) {

    /** The user every Lodestar image runs as; the manifests' runAsUser. */
    static final int USER = 10001;

    String reference() {
        return repository + ":" + tag;
    }
}
