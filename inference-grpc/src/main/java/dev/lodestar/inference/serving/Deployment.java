package dev.lodestar.inference.serving;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One deployment as this server holds it: its current {@link Route} (read lock-free by every request) and the
 * versions it loads, serves, drains or failed to load.
 */
public final class Deployment {

    /** A comparison of a served answer with the shadow's, kept for {@code ListDeployments}. */
    public record ShadowRecord(String predictionId, int servedVersion, int shadowVersion, String servedAnswer,
            String shadowAnswer, boolean agrees) {
    }

    /** The lifecycle of one version on this server (contract 2's states). */
    public enum State { LOADING, READY, FAILED, DRAINING }

    /** The part a version plays in the deployment (contract 2's roles). */
    public enum Role { PRIMARY, CANARY, SHADOW }

    /** One version of the deployment and what happened to it. */
    public static final class Version {
        final DesiredState.VersionSpec spec;
        volatile Role role;
        volatile State state = State.LOADING;
        volatile String error;
        volatile long loadMillis;
        volatile ServedVersion served;
        volatile long failedAtNanos;

        Version(DesiredState.VersionSpec spec, Role role) {
            this.spec = spec;
            this.role = role;
        }

        public int version() {
            return spec.version();
        }

        public Role role() {
            return role;
        }

        public State state() {
            return state;
        }

        public String error() {
            return error;
        }

        public long loadMillis() {
            return loadMillis;
        }

        /** The loaded version, null unless READY or DRAINING. */
        public ServedVersion served() {
            return served;
        }
    }

    static final int RECENT_SHADOW = 20;

    private final String name;
    private volatile String model;
    final AtomicReference<Route> route = new AtomicReference<>();
    final Map<String, Version> versions = new ConcurrentHashMap<>();
    final List<Version> draining = new CopyOnWriteArrayList<>();
    private final Deque<ShadowRecord> recentShadow = new ArrayDeque<>();
    final Counter swaps;
    final Counter loadFailures;
    final Counter shadowDropped;

    Deployment(String name, MeterRegistry registry) {
        this.name = name;
        this.swaps = Counter.builder("lodestar.serving.swaps").description("Primary version changes of a deployment")
                .tag("deployment", name).register(registry);
        this.loadFailures = Counter.builder("lodestar.serving.load.failures")
                .description("Versions of a deployment that could not be loaded").tag("deployment", name).register(registry);
        this.shadowDropped = Counter.builder("lodestar.serving.shadow.dropped")
                .description("Shadow copies dropped because the shadow queue was full").tag("deployment", name)
                .register(registry);
    }

    public String name() {
        return name;
    }

    public String model() {
        return model;
    }

    void model(String model) {
        this.model = model;
    }

    /** The current route, null until a primary version is ready. */
    public Route route() {
        return route.get();
    }

    /**
     * Picks the version for one request (see {@link Route#pick}) and acquires it; the caller must
     * {@link ServedVersion#release() release} it. Null when no version is ready.
     */
    public ServedVersion acquire(String routingKey) {
        for (int attempt = 0; attempt < 16; attempt++) {
            Route current = route.get();
            if (current == null) {
                return null;
            }
            ServedVersion version = current.pick(routingKey);
            if (version.acquire()) {
                return version;
            }
            Thread.onSpinWait();
        }
        return null;
    }

    /** Every version held, live ones first, then those draining. */
    public List<Version> versions() {
        List<Version> all = new ArrayList<>(versions.values());
        all.addAll(draining);
        all.sort((a, b) -> Integer.compare(a.version(), b.version()));
        return all;
    }

    void recordShadow(ShadowRecord record) {
        synchronized (recentShadow) {
            recentShadow.addFirst(record);
            while (recentShadow.size() > RECENT_SHADOW) {
                recentShadow.removeLast();
            }
        }
    }

    /** The most recent shadow comparisons, newest first. */
    public List<ShadowRecord> recentShadow() {
        synchronized (recentShadow) {
            return List.copyOf(recentShadow);
        }
    }
}
