package dev.lodestar.faults;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Measures how long a fault takes to show and to heal, polling a condition every 20 ms. */
final class Stopwatch {

    private Stopwatch() {
    }

    /**
     * Milliseconds from {@code sinceNanos} until {@code condition} holds; fails after {@code timeout}.
     */
    static long millisUntil(long sinceNanos, BooleanSupplier condition, Duration timeout, String what) {
        long deadline = sinceNanos + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + timeout.toSeconds() + " s");
            }
            pause(20);
        }
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
