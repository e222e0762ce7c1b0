package dev.lodestar.inference.serving;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prediction ids: unique across replicas and restarts, ordered by time within a process, and cheap (a
 * counter increment and one short string per prediction). An id is the process's prefix (start time in
 * milliseconds and a random part, base 36) and a counter, e.g. {@code lq3k9x2a-7f3k-1b}.
 */
public final class PredictionIds {

    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    public PredictionIds() {
        this.prefix = Long.toString(System.currentTimeMillis(), 36) + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36), 36) + "-";
    }

    /** The next id. */
    public String next() {
        return id(counter.incrementAndGet());
    }

    /**
     * Reserves {@code count} ids with one atomic step (a batch's); the ids are {@link #id}{@code (first)} to
     * {@link #id}{@code (first + count - 1)}.
     */
    public long reserve(int count) {
        return counter.getAndAdd(count) + 1;
    }

    /** The id of a number {@link #reserve} handed out. */
    public String id(long number) {
        return prefix.concat(Long.toString(number, 36));
    }
}
