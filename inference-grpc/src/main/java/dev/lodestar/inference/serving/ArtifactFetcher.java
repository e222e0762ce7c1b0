package dev.lodestar.inference.serving;

import java.io.IOException;

/** Where the bytes of a model version come from: the gateway's artifact store, or a local file. */
@FunctionalInterface
public interface ArtifactFetcher {

    /** The artifact's bytes, unverified: the caller checks them against {@code spec.sha256()}. */
    byte[] fetch(DesiredState.VersionSpec spec) throws IOException, InterruptedException;
}
