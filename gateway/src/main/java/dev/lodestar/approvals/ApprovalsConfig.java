package dev.lodestar.approvals;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How long promotion requests wait for their approvals, and how often expired ones are closed. */
@ConfigMapping(prefix = "lodestar.approvals")
public interface ApprovalsConfig {

    /** A request still open this long after it was made expires ({@code LODESTAR_APPROVALS_EXPIRE_AFTER}, ISO-8601). */
    @WithDefault("P7D")
    Duration expireAfter();

    /** How often expired requests are closed ({@code 30s}: a request may show OPEN that long past its expiry). */
    @WithDefault("30s")
    String sweepEvery();
}
