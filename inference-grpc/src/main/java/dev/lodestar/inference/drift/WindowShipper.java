package dev.lodestar.inference.drift;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Ships the {@link LiveProfiles} windows and the buffered {@link FeedbackBuffer outcomes} every interval (contract 3):
 * each window that changed since its last acknowledged shipment, as its cumulative state, and each closed window
 * once more, after which it is forgotten. A failed shipment changes nothing here: the same windows (by then perhaps
 * with more rows) and outcomes go out at the next interval, and since every entry is cumulative, the receiver
 * replacing what it had makes a repeated shipment harmless. Memory stays bounded meanwhile: the profiles keep at
 * most their retained number of closed windows, and the feedback buffer refuses outcomes once full.
 */
public final class WindowShipper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WindowShipper.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Outcomes per shipment at most; more wait for the next one. */
    static final int MAX_OUTCOMES = 10_000;

    /** Where shipments go: the JSON body of {@code POST /api/serving/windows}. */
    @FunctionalInterface
    public interface Sink {
        /** Delivers one shipment; an exception means it was not accepted. */
        void ship(byte[] json) throws IOException, InterruptedException;
    }

    private final LiveProfiles profiles;
    private final FeedbackBuffer feedback;
    private final Sink sink;
    private final String replicaId;
    private final String incarnation;
    private final Duration interval;
    private final Counter shipped;
    private final Counter failed;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "drift-ship");
        thread.setDaemon(true);
        return thread;
    });
    private boolean failing;

    public WindowShipper(LiveProfiles profiles, FeedbackBuffer feedback, Sink sink, String replicaId, String incarnation,
            Duration interval, MeterRegistry registry) {
        this.profiles = profiles;
        this.feedback = feedback;
        this.sink = sink;
        this.replicaId = replicaId;
        this.incarnation = incarnation;
        this.interval = interval;
        this.shipped = Counter.builder("lodestar.drift.shipments").tag("outcome", "accepted")
                .description("Window shipments to the control plane, by outcome").register(registry);
        this.failed = Counter.builder("lodestar.drift.shipments").tag("outcome", "failed")
                .description("Window shipments to the control plane, by outcome").register(registry);
    }

    /** Ships every interval from now on. */
    public WindowShipper start() {
        timer.scheduleWithFixedDelay(this::shipQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void shipQuietly() {
        try {
            ship();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ships what is pending now (nothing is sent when nothing changed); true if it was accepted or there was nothing
     * to send.
     */
    public synchronized boolean ship() throws InterruptedException {
        List<LiveProfiles.WindowSnapshot> snapshots = profiles.pending();
        List<WindowShipment.Outcome> outcomes = feedback.oldest(MAX_OUTCOMES);
        if (snapshots.isEmpty() && outcomes.isEmpty()) {
            return true;
        }
        try {
            sink.ship(body(snapshots, outcomes));
        } catch (IOException | RuntimeException e) {
            failed.increment();
            if (!failing) {
                LOG.warnf("Could not ship %d drift windows and %d outcomes (kept, retried every %d ms): %s",
                        snapshots.size(), outcomes.size(), interval.toMillis(), e.getMessage());
            }
            failing = true;
            return false;
        }
        profiles.shipped(snapshots);
        feedback.remove(outcomes.size());
        shipped.increment();
        if (failing) {
            LOG.info("Drift windows reach the control plane again");
        }
        failing = false;
        return true;
    }

    private byte[] body(List<LiveProfiles.WindowSnapshot> snapshots, List<WindowShipment.Outcome> outcomes) {
        WindowShipment shipment = new WindowShipment(replicaId, incarnation,
                snapshots.stream().map(WindowShipment.Window::of).toList(), outcomes);
        try {
            return JSON.writeValueAsBytes(shipment);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a window shipment could not be written as JSON", e);
        }
    }

    /** Stops the schedule and ships once more what changed, so a stopping replica loses as little as it can. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            ship();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
