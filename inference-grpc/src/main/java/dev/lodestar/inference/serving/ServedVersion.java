package dev.lodestar.inference.serving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.lodestar.deploy.model.PredictionId;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * One loaded version of one deployment: the model, its counters, and the in-flight count that lets a
 * replaced version drain before it is released.
 *
 * <p>A request {@link #acquire() acquires} the version before scoring and {@link #release() releases} it
 * after. Retiring sets {@link #retired} first and then waits for the count to reach zero; acquiring
 * increments first and then checks the flag. With both sides ordered that way, a version is never released
 * while a request that acquired it is still scoring.
 *
 * <p>Meters are created once, when the version is loaded, so the request path only increments them.
 */
public final class ServedVersion {

    private final String deployment;
    private final String model;
    private final int version;
    private final String versionTag;
    private final ServableModel servable;
    private final long loadMillis;
    private final String idHead;
    private final String[] encodedLabels;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean retired;

    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter requests;
    private final Counter rows;
    private final Timer latency;
    private final AtomicReferenceArray<Counter> errors = new AtomicReferenceArray<>(Status.Code.values().length);
    private final Counter shadowPredictions;
    private final Counter shadowDisagreements;

    ServedVersion(String deployment, String model, int version, ServableModel servable, long loadMillis,
            MeterRegistry registry) {
        this.deployment = deployment;
        this.model = model;
        this.version = version;
        this.versionTag = Integer.toString(version);
        this.servable = servable;
        this.loadMillis = loadMillis;
        this.idHead = PredictionId.head(deployment, version);
        this.encodedLabels = servable.classes().stream().map(label -> new PredictionId.Label(label).encoded())
                .toArray(String[]::new);
        this.registry = registry;
        this.tags = Tags.of("deployment", deployment, "version", versionTag);
        this.requests = keep(Counter.builder("lodestar.serving.requests")
                .description("Calls answered by a deployment version (a batch counts once)").tags(tags).register(registry));
        this.rows = keep(Counter.builder("lodestar.serving.predictions")
                .description("Rows scored by a deployment version").tags(tags).register(registry));
        this.latency = keep(Timer.builder("lodestar.serving.latency")
                .description("Time from admission to answer of successful calls, per deployment version")
                .tags(tags).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry));
        keep(Gauge.builder("lodestar.serving.in.flight", inFlight, AtomicInteger::get)
                .description("Requests being scored by a deployment version").tags(tags).register(registry));
        keep(Gauge.builder("lodestar.serving.model.load.seconds", () -> loadMillis / 1000.0)
                .description("Time to fetch, verify, read, compile and warm up a deployment version").tags(tags)
                .register(registry));
        this.shadowPredictions = keep(Counter.builder("lodestar.serving.shadow.predictions")
                .description("Rows scored by a shadow version (answers recorded, never returned)").tags(tags)
                .register(registry));
        this.shadowDisagreements = keep(Counter.builder("lodestar.serving.shadow.disagreements")
                .description("Shadow answers that differ from the answer returned").tags(tags).register(registry));
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    /** The start of this version's prediction ids, {@code <deployment>.<version>.} ({@link PredictionId#head}). */
    String idHead() {
        return idHead;
    }

    /** An answer of this version as a prediction id carries it ({@link PredictionId.Answer#encoded()}). */
    String encoded(ServableModel.Answer answer) {
        if (answer.label() == null) {
            return new PredictionId.Value(answer.value()).encoded();
        }
        int index = servable.classIndex(answer.label());
        return index >= 0 ? encodedLabels[index] : new PredictionId.Label(answer.label()).encoded();
    }

    /** Takes the version for one request; false if it is being retired (read the route again). */
    public boolean acquire() {
        inFlight.incrementAndGet();
        if (retired) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Ends a request taken by {@link #acquire()}. */
    public void release() {
        inFlight.decrementAndGet();
    }

    /** What one call computed on an acquired version: the response and the number of rows it scored. */
    public record Scored<T>(T response, int rows) {
    }

    /** One call's work on an acquired version; a {@link StatusException} is the answer to a call that failed. */
    @FunctionalInterface
    public interface Scoring<T> {
        Scored<T> score() throws StatusException;
    }

    /**
     * Runs one call's work on this version, which the caller has {@link #acquire() acquired}, records the outcome
     * ({@link #succeeded} or, for a {@link StatusException}, {@link #failed}) and releases the version exactly
     * once, whatever the work throws. A {@link RuntimeException} is released but not recorded here: callers that
     * answer it as a status say so with {@link #answer}.
     */
    public <T> T serve(long startNanos, Scoring<T> scoring) throws StatusException {
        try {
            Scored<T> scored = scoring.score();
            succeeded(scored.rows(), startNanos);
            return scored.response();
        } catch (StatusException e) {
            failed(e.getStatus().getCode());
            throw e;
        } finally {
            release();
        }
    }

    /**
     * {@link #serve Serves} a unary call and answers it: the response then completion, or the failure's status.
     * A {@link RuntimeException} from the work is a bug in scoring, not in the request, so it is recorded and
     * answered as {@code INTERNAL}. The version is released before the caller is answered, so a caller that has
     * its answer never sees its call still counted in flight.
     */
    public <T> void answer(long startNanos, StreamObserver<T> responses, Scoring<T> scoring) {
        T response;
        try {
            response = serve(startNanos, () -> {
                try {
                    return scoring.score();
                } catch (RuntimeException e) {
                    throw Status.INTERNAL.withDescription("scoring failed: " + e.getMessage()).asException();
                }
            });
        } catch (StatusException e) {
            responses.onError(e);
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
    }

    /** Records a successful call of {@code rowCount} rows admitted at {@code startNanos}. */
    public void succeeded(int rowCount, long startNanos) {
        requests.increment();
        rows.increment(rowCount);
        latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** Records a failed call by its status code. */
    public void failed(Status.Code code) {
        requests.increment();
        Counter counter = errors.get(code.ordinal());
        if (counter == null) {
            counter = Counter.builder("lodestar.serving.errors")
                    .description("Calls of a deployment version that failed, by gRPC status code")
                    .tags(tags).tag("code", code.name()).register(registry);
            synchronized (meters) {
                meters.add(counter);
            }
            errors.compareAndSet(code.ordinal(), null, counter);
        }
        counter.increment();
    }

    void shadowScored(boolean agrees) {
        shadowPredictions.increment();
        if (!agrees) {
            shadowDisagreements.increment();
        }
    }

    /** Stops new requests; those in flight finish. */
    void retire() {
        retired = true;
    }

    boolean idle() {
        return inFlight.get() == 0;
    }

    /** Releases the model and removes the version's meters. Only after {@link #retire()} and {@link #idle()}. */
    void close() {
        servable.close();
        synchronized (meters) {
            meters.forEach(registry::remove);
            meters.clear();
        }
    }

    public String deployment() {
        return deployment;
    }

    public String model() {
        return model;
    }

    public int version() {
        return version;
    }

    public ServableModel servable() {
        return servable;
    }

    public long loadMillis() {
        return loadMillis;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Rows scored since the version was loaded. */
    public long predictions() {
        return (long) rows.count();
    }
}
