package dev.lodestar.retraining;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How often the retraining loop looks for work. */
@ConfigMapping(prefix = "lodestar.retraining")
public interface RetrainingConfig {

    /**
     * How often alerts to act on, due schedules, new dataset versions and open retrainings are looked for (alerts
     * are also acted on as soon as they commit).
     */
    @WithDefault("PT5S")
    Duration pollEvery();
}
