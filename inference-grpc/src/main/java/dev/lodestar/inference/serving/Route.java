package dev.lodestar.inference.serving;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a deployment's requests go, as one immutable snapshot: replacing the snapshot moves all traffic at
 * once, and a request reads it exactly once.
 *
 * @param primary       answers every request not sent to the canary
 * @param canary        answers {@code canaryPercent} of requests, or null
 * @param canaryPercent 0-100
 * @param shadow        receives a copy of each request off the request path, or null
 */
public record Route(ServedVersion primary, ServedVersion canary, int canaryPercent, ServedVersion shadow) {

    /**
     * The version answering a request: with a routing key the choice is a stable function of the key (the same
     * key always lands on the same side of the split); without one it is random.
     */
    public ServedVersion pick(String routingKey) {
        if (canary == null || canaryPercent <= 0) {
            return primary;
        }
        if (canaryPercent >= 100) {
            return canary;
        }
        int bucket = routingKey == null || routingKey.isEmpty()
                ? ThreadLocalRandom.current().nextInt(100)
                : bucket(routingKey);
        return bucket < canaryPercent ? canary : primary;
    }

    /** A key's bucket, 0-99: String.hashCode is specified by the JLS, so buckets agree across replicas. */
    static int bucket(String routingKey) {
        int h = routingKey.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Math.floorMod(h, 100);
    }

    boolean uses(ServedVersion version) {
        return version == primary || version == canary || version == shadow;
    }
}
