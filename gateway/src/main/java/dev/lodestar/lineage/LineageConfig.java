package dev.lodestar.lineage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of lineage traversals. */
@ConfigMapping(prefix = "lodestar.lineage")
public interface LineageConfig {

    /** The deepest traversal a query may ask for; deeper requests are {@code INVALID_ARGUMENT}. */
    @WithDefault("20")
    int maxDepth();

    /** The most nodes a traversal returns; it stops there and says it was truncated. */
    @WithDefault("500")
    int maxNodes();
}
