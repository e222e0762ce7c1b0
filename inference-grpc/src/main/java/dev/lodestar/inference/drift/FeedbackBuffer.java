package dev.lodestar.inference.drift;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Outcomes received by {@code Feedback} and not yet shipped, in arrival order, at most a fixed number. A call's
 * outcomes are taken whole or not at all, so a caller told the buffer is full knows none of them was kept.
 */
public final class FeedbackBuffer {

    private final int capacity;
    private final ArrayDeque<WindowShipment.Outcome> outcomes = new ArrayDeque<>();

    public FeedbackBuffer(int capacity) {
        this.capacity = capacity;
    }

    /** Adds all of {@code received}, or none when they do not fit; whether they were added. */
    public synchronized boolean offer(List<WindowShipment.Outcome> received) {
        if (outcomes.size() + received.size() > capacity) {
            return false;
        }
        outcomes.addAll(received);
        return true;
    }

    /** Up to {@code max} of the oldest outcomes, left in the buffer until {@link #remove removed}. */
    public synchronized List<WindowShipment.Outcome> oldest(int max) {
        List<WindowShipment.Outcome> oldest = new ArrayList<>(Math.min(max, outcomes.size()));
        for (WindowShipment.Outcome outcome : outcomes) {
            if (oldest.size() == max) {
                break;
            }
            oldest.add(outcome);
        }
        return oldest;
    }

    /** Removes the {@code count} oldest outcomes (those {@link #oldest} gave and that were shipped). */
    public synchronized void remove(int count) {
        for (int i = 0; i < count && !outcomes.isEmpty(); i++) {
            outcomes.removeFirst();
        }
    }

    /** Outcomes waiting. */
    public synchronized int size() {
        return outcomes.size();
    }
}
