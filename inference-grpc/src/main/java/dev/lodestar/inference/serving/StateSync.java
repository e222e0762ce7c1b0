package dev.lodestar.inference.serving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

/**
 * Keeps a {@link ServingState} in line with its source, and the control plane informed.
 *
 * <p>The source is polled every interval; a change is applied, no change costs one conditional request. While
 * the source fails, polls back off (doubling, up to 5 s) and the server keeps serving the last state it
 * applied. Desired versions that failed to load are tried again every 30 s. Reports go out after every
 * change (coalesced) and every 10 s as a heartbeat.
 */
public final class StateSync implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StateSync.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);

    /** Where the desired state comes from. */
    public interface Source {
        /** The desired state if it changed since the last call, else null. */
        DesiredState poll() throws IOException, InterruptedException;

        /** Names the source in logs. */
        String describe();
    }

    /** Where reports go. */
    public interface Reporter {
        void report(ReplicaReport report) throws IOException, InterruptedException;
    }

    private final ServingState state;
    private final Source source;
    private final Reporter reporter;
    private final String address;
    private final Duration interval;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "serving-sync"));
    private final ScheduledExecutorService reports = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "serving-report"));
    private final AtomicBoolean reportPending = new AtomicBoolean();
    private volatile DesiredState last;
    private int failures;
    private long lastRetryNanos = System.nanoTime();
    private boolean reportFailing;

    public StateSync(ServingState state, Source source, Reporter reporter, String address, Duration interval) {
        this.state = state;
        this.source = source;
        this.reporter = reporter;
        this.address = address;
        this.interval = interval;
    }

    /** Starts polling now and reporting. */
    public StateSync start() {
        poller.execute(this::poll);
        if (reporter != null) {
            state.onChange(this::reportSoon);
            reports.scheduleWithFixedDelay(this::sendReport, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
            reportSoon();
        }
        return this;
    }

    private void poll() {
        long delay = interval.toMillis();
        try {
            DesiredState desired = source.poll();
            if (failures > 0) {
                LOG.infof("Desired state source %s answers again", source.describe());
            }
            failures = 0;
            if (desired != null) {
                last = desired;
                state.apply(desired);
                lastRetryNanos = System.nanoTime();
            } else if (last != null && state.hasFailures()
                    && System.nanoTime() - lastRetryNanos > ServingState.RETRY_FAILED_NANOS) {
                lastRetryNanos = System.nanoTime();
                state.apply(last);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (IOException | RuntimeException e) {
            failures++;
            if (failures == 1) {
                LOG.warnf("Cannot read the desired state from %s: %s; serving the last state applied (revision %d)",
                        source.describe(), e.getMessage(), state.applied().revision());
            }
            delay = Math.min(MAX_BACKOFF.toMillis(), interval.toMillis() << Math.min(failures, 10));
        }
        if (!poller.isShutdown()) {
            poller.schedule(this::poll, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void reportSoon() {
        if (reportPending.compareAndSet(false, true)) {
            reports.execute(this::sendReport);
        }
    }

    private void sendReport() {
        reportPending.set(false);
        try {
            reporter.report(ReplicaReport.of(address, state));
            if (reportFailing) {
                LOG.info("Replica reports reach the control plane again");
            }
            reportFailing = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (!reportFailing) {
                LOG.warnf("Could not report this replica's state: %s", e.getMessage());
            }
            reportFailing = true;
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        reports.shutdownNow();
    }

    /** The gateway's desired state, by conditional GET with the last ETag. */
    public static Source gateway(GatewayClient client, String describe) {
        return new Source() {
            private String etag;

            @Override
            public DesiredState poll() throws IOException, InterruptedException {
                GatewayClient.Fetched fetched = client.desiredState(etag);
                if (fetched == null) {
                    return null;
                }
                etag = fetched.etag();
                return fetched.state();
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }

    /**
     * A local JSON file in the desired state's shape, each version naming its artifact by {@code path}
     * (relative to the file). Re-read when its content changes.
     */
    public static Source file(Path file) {
        return new Source() {
            private byte[] seen;

            @Override
            public DesiredState poll() throws IOException {
                byte[] content = Files.readAllBytes(file);
                if (Arrays.equals(content, seen)) {
                    return null;
                }
                DesiredState state;
                try {
                    state = DesiredState.parse(content);
                } catch (DesiredState.InvalidState e) {
                    throw new IOException(file + ": " + e.getMessage());
                }
                seen = content;
                Path base = file.toAbsolutePath().getParent();
                return state.resolvedAgainst(base);
            }

            @Override
            public String describe() {
                return file.toString();
            }
        };
    }

    /** Reads artifacts named by {@code path} from disk and the others through {@code gateway} (may be null). */
    public static ArtifactFetcher fetcher(GatewayClient gateway) {
        return spec -> {
            if (spec.path() != null && !spec.path().isBlank()) {
                return Files.readAllBytes(Path.of(spec.path()));
            }
            if (gateway == null) {
                throw new IOException("version " + spec.version() + " names artifact " + spec.artifactId()
                        + " but no gateway is configured (LODESTAR_GATEWAY_URL)");
            }
            return gateway.fetch(spec);
        };
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
