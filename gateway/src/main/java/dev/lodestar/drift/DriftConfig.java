package dev.lodestar.drift;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of drift monitoring on the gateway. */
@ConfigMapping(prefix = "lodestar.drift")
public interface DriftConfig {

    /**
     * The largest body of {@code POST /api/serving/windows} ({@code LODESTAR_DRIFT_MAX_WINDOWS_BODY}): a send carries
     * every changed window of every deployment a replica serves, each a few kilobytes per feature.
     */
    @WithDefault("32M")
    MemorySize maxWindowsBody();

    /** The longest period a drift report or timeline covers. */
    @WithDefault("P31D")
    Duration maxPeriod();

    /**
     * At most this many dataset rows are predicted for the prediction profile of a version registered from outside
     * (evenly spaced over the dataset); a trained version's holdout is predicted whole.
     */
    @WithDefault("10000")
    int referencePredictionRows();

    /** The most outcomes one {@code logFeedback} call or one window send may carry. */
    @WithDefault("10000")
    int maxOutcomes();
}
