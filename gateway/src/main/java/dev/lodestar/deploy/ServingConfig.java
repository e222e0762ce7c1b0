package dev.lodestar.deploy;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the gateway judges the inference replicas' reports. */
@ConfigMapping(prefix = "lodestar.serving")
public interface ServingConfig {

    /**
     * A replica not heard from for this long is stale and no longer counts towards a deployment being ready
     * ({@code LODESTAR_SERVING_REPLICA_STALE_AFTER}; replicas report every 10 s).
     */
    @WithDefault("30s")
    Duration replicaStaleAfter();

    /** A replica not heard from for this long is forgotten: no longer shown, its report removed. */
    @WithDefault("1h")
    Duration replicaForgetAfter();
}
