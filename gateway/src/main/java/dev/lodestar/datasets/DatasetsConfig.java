package dev.lodestar.datasets;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of dataset uploads. */
@ConfigMapping(prefix = "lodestar.datasets")
public interface DatasetsConfig {

    /**
     * The largest CSV accepted ({@code LODESTAR_DATASETS_MAX_SIZE}). A larger upload is refused with 413 as soon
     * as its Content-Length says so, or when the bytes read pass the limit; nothing of it is kept. The server-wide
     * body limit ({@code lodestar.artifacts.max-size}) caps it.
     */
    @WithDefault("1G")
    MemorySize maxSize();

    /** The longest field, in characters; a longer one is refused, so one record never needs much memory. */
    @WithDefault("1048576")
    int maxFieldLength();
}
