package dev.lodestar.inference.serving;

import java.time.InstantSource;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.lodestar.deploy.model.PredictionId;

/**
 * Hands out {@link PredictionId}s in their text form, {@code <deployment>.<version>.<second>.<answer>.<unique>},
 * without a record per prediction and cheaply: the head is kept per {@link ServedVersion} (with its classes'
 * encoded labels), the second part once per second, and the unique part is this process's incarnation and a
 * counter (one atomic step per call, however many rows it answers), e.g. {@code lq3k9x2a-7f3k-1b}. The
 * incarnation (start time in milliseconds and a random part, base 36) makes ids unique across replicas and
 * restarts; within a process the counter orders them.
 */
public final class PredictionIds {

    /** One second of the clock and its part of an id ({@link PredictionId#second}, with the trailing dot). */
    public record Second(long epochSecond, String part) {
    }

    private final InstantSource clock;
    private final String incarnation;
    private final String uniquePrefix;
    private final AtomicLong counter = new AtomicLong();
    private volatile Second second;

    /** Ids stamped with the seconds of {@code clock}. */
    public PredictionIds(InstantSource clock) {
        this.clock = clock;
        this.incarnation = Long.toString(clock.millis(), 36) + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36), 36);
        this.uniquePrefix = incarnation + "-";
        long now = Math.floorDiv(clock.millis(), 1000);
        this.second = new Second(now, PredictionId.second(now));
    }

    /** This process's incarnation: the unique parts of its ids start with it (and a dash). */
    public String incarnation() {
        return incarnation;
    }

    /** The current second; the same instance all second long. */
    public Second now() {
        long now = Math.floorDiv(clock.millis(), 1000);
        Second current = second;
        if (current.epochSecond() != now) {
            current = new Second(now, PredictionId.second(now));
            second = current;
        }
        return current;
    }

    /**
     * Reserves {@code count} numbers with one atomic step (a call's); the call's ids are {@link #id} of
     * {@code first} to {@code first + count - 1}.
     */
    public long reserve(int count) {
        return counter.getAndAdd(count) + 1;
    }

    /** The id of the answer {@code version} gave in {@code second}, with a number {@link #reserve} handed out. */
    public String id(ServedVersion version, Second second, ServableModel.Answer answer, long number) {
        return version.idHead() + second.part() + version.encoded(answer) + "." + uniquePrefix + Long.toString(number, 36);
    }
}
