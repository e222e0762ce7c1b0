package dev.lodestar.training;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How this gateway takes part in training. */
@ConfigMapping(prefix = "lodestar.training")
public interface TrainingConfig {

    /**
     * How many jobs this gateway trains at once; 0 makes it take no jobs (an API-only replica). Training is
     * CPU-bound, so more workers than cores only slows every job down.
     */
    @WithDefault("1")
    int workers();

    /**
     * How long a worker holds a job without renewing its lease. A worker renews it every third of this while it
     * trains; a job whose lease ran out (its worker died or hung) is claimed again by any gateway.
     */
    @WithDefault("30s")
    Duration lease();

    /** How often idle workers look for queued jobs (they are also woken when a job is queued here). */
    @WithDefault("2s")
    Duration pollEvery();

    /** How many times a job is started before it is given up as FAILED (each lease that runs out costs one). */
    @WithDefault("3")
    int maxAttempts();
}
