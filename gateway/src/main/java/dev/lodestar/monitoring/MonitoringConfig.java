package dev.lodestar.monitoring;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How monitors are judged and webhooks called. */
@ConfigMapping(prefix = "lodestar.monitoring")
public interface MonitoringConfig {

    /** How often this gateway looks for monitors with a window to judge (one gateway judges each window). */
    @WithDefault("PT10S")
    Duration interval();

    /**
     * The length of the windows monitors judge, aligned to multiples of it from the epoch; the same as the
     * inference servers' {@code LODESTAR_DRIFT_WINDOW}.
     */
    @WithDefault("PT5M")
    Duration window();

    /**
     * How long after a window closes it is judged: the inference servers ship a closed window once more within
     * their ship interval, so judging earlier would miss its last rows.
     */
    @WithDefault("PT15S")
    Duration grace();

    /** The fewest rows a window needs before drift monitors judge it (fewer cannot tell drift from chance). */
    @WithDefault("30")
    int minDriftRows();

    /** Webhook deliveries. */
    Webhooks webhooks();

    /** Webhook deliveries: how often due ones are looked for, the HTTP timeout and the retry schedule. */
    interface Webhooks {

        /** How often due deliveries are looked for (they are also sent as soon as an alert commits). */
        @WithDefault("PT1S")
        Duration pollEvery();

        /** How long a receiver may take to answer one attempt. */
        @WithDefault("PT5S")
        Duration timeout();

        /** The wait after the first failed attempt; it doubles after each further one. */
        @WithDefault("PT2S")
        Duration backoff();

        /** The longest wait between two attempts. */
        @WithDefault("PT1H")
        Duration maxBackoff();

        /** Attempts before a delivery is given up as FAILED. */
        @WithDefault("8")
        int maxAttempts();
    }
}
