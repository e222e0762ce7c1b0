package dev.lodestar.artifacts;

import java.nio.file.Path;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where artifacts are stored and how large they may be. */
@ConfigMapping(prefix = "lodestar.artifacts")
public interface ArtifactsConfig {

    /**
     * Folder of the local artifact store ({@code LODESTAR_ARTIFACTS_DIR}); a persistent volume in Kubernetes.
     * Every gateway replica must see the same folder.
     */
    @WithDefault("data/artifacts")
    Path dir();

    /** The largest artifact accepted; larger uploads are refused with 413 and nothing is kept. */
    @WithDefault("2G")
    MemorySize maxSize();
}
