package dev.lodestar.inference.serving;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The deployments this server serves, and the one way to change them: {@link #apply(DesiredState)}.
 *
 * <p>Applying a state loads what is new beside what serves now (fetch, verify, read, compile, warm up), then
 * replaces each deployment's {@link Route} in one atomic write, then retires versions no route uses: they
 * take no new requests, finish those in flight, and are released. A version that fails to load changes
 * nothing that serves: the previous primary keeps answering and the failure is reported. Requests never
 * wait for any of this; they read the current route.
 */
public final class ServingState {

    private static final Logger LOG = Logger.getLogger(ServingState.class);

    /**
     * Synthetic rows scored before a version takes traffic. Scoring code is shared by every version of a kind
     * (the JIT has compiled it once the first version served), and compiling already checks the scorer on 64
     * rows, so a few hundred rows make a new version's own data (weights, trees) cache-warm without keeping the
     * loader busy.
     */
    static final int WARM_UP_ROWS = 256;

    /** A failed version is tried again when a state naming it is applied after this long. */
    static final long RETRY_FAILED_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final ModelLoader loader;
    private final MeterRegistry registry;
    private final Map<String, Deployment> deployments = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService drainer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "serving-drain");
        thread.setDaemon(true);
        return thread;
    });
    private final long drainTimeoutNanos;
    private volatile DesiredState applied = DesiredState.EMPTY;
    private volatile boolean everApplied;

    ServingState(ModelLoader loader, MeterRegistry registry, long drainTimeoutMillis) {
        this.loader = loader;
        this.registry = registry;
        this.drainTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(drainTimeoutMillis);
    }

    /**
     * A serving state loading artifacts through {@code fetcher}, keeping verified copies in {@code cacheDirectory}
     * (null: no cache).
     */
    public static ServingState create(ArtifactFetcher fetcher, java.nio.file.Path cacheDirectory, MeterRegistry registry) {
        return new ServingState(new ModelLoader(fetcher, new ArtifactCache(cacheDirectory), WARM_UP_ROWS),
                registry,
                60_000);
    }

    /** Calls {@code listener} after every change of what is loaded or routed (from the thread that changed it). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** The deployment of that name, or null if this server does not hold it. */
    public Deployment deployment(String name) {
        return deployments.get(name);
    }

    /** Every deployment held, by name. */
    public List<Deployment> deployments() {
        List<Deployment> all = new ArrayList<>(deployments.values());
        all.sort((a, b) -> a.name().compareTo(b.name()));
        return all;
    }

    /** The last state applied. */
    public DesiredState applied() {
        return applied;
    }

    /** True if some desired version failed to load. */
    public boolean hasFailures() {
        return deployments.values().stream()
                .anyMatch(d -> d.versions.values().stream().anyMatch(v -> v.state == Deployment.State.FAILED));
    }

    /**
     * Makes this server serve {@code desired}. Calls are serialized; loading happens on the calling thread,
     * while requests keep being answered from the routes in place.
     */
    public synchronized void apply(DesiredState desired) throws InterruptedException {
        Set<String> wanted = new HashSet<>();
        for (DesiredState.Deployment spec : desired.deployments()) {
            wanted.add(spec.name());
            Deployment deployment = deployments.computeIfAbsent(spec.name(), name -> new Deployment(name, registry));
            deployment.model(spec.model());
            applyTo(deployment, spec);
        }
        for (Deployment deployment : List.copyOf(deployments.values())) {
            if (!wanted.contains(deployment.name())) {
                deployments.remove(deployment.name());
                deployment.route.set(null);
                for (Deployment.Version version : List.copyOf(deployment.versions.values())) {
                    retire(deployment, version);
                }
                registry.remove(deployment.swaps);
                registry.remove(deployment.loadFailures);
                registry.remove(deployment.shadowDropped);
                LOG.infof("Deployment %s removed", deployment.name());
            }
        }
        applied = desired;
        everApplied = true;
        changed();
    }

    /**
     * True once a desired state has been applied. Before that, this server does not know which deployments it
     * should hold, so a deployment it lacks may merely not be loaded yet: callers are told to retry, not that it
     * does not exist.
     */
    public boolean hasApplied() {
        return everApplied;
    }

    private void applyTo(Deployment deployment, DesiredState.Deployment spec) throws InterruptedException {
        String primaryKey = spec.primary().key();
        ServedVersion primary = ensure(deployment, spec.primary(), Deployment.Role.PRIMARY);
        ServedVersion canary = spec.canary() == null || spec.canary().key().equals(primaryKey) ? null
                : ensure(deployment, spec.canary(), Deployment.Role.CANARY);
        ServedVersion shadow = spec.shadow() == null || spec.shadow().key().equals(primaryKey) ? null
                : ensure(deployment, spec.shadow(), Deployment.Role.SHADOW);

        Route current = deployment.route.get();
        if (primary == null && current != null) {
            primary = current.primary();
        }
        Route next = primary == null ? null
                : new Route(primary, canary, canary == null ? 0 : spec.canary().share(), shadow);
        if (next == null ? current == null : next.equals(current)) {
            retireUnused(deployment, current, spec);
            return;
        }
        deployment.route.set(next);
        if (current != null && next != null && current.primary() != next.primary()) {
            deployment.swaps.increment();
            LOG.infof("Deployment %s: version %d now primary (was %d)", deployment.name(), next.primary().version(),
                    current.primary().version());
        }
        retireUnused(deployment, next, spec);
    }

    /** Retires loaded versions the route no longer uses, and forgets failures of versions no longer wanted. */
    private void retireUnused(Deployment deployment, Route route, DesiredState.Deployment spec) {
        Set<String> desiredKeys = new HashSet<>();
        desiredKeys.add(spec.primary().key());
        if (spec.canary() != null) {
            desiredKeys.add(spec.canary().key());
        }
        if (spec.shadow() != null) {
            desiredKeys.add(spec.shadow().key());
        }
        for (Deployment.Version version : List.copyOf(deployment.versions.values())) {
            ServedVersion served = version.served;
            if (served != null) {
                if (route == null || !route.uses(served)) {
                    retire(deployment, version);
                }
            } else if (!desiredKeys.contains(version.spec.key())) {
                deployment.versions.remove(version.spec.key());
            }
        }
    }

    /** The loaded version for {@code spec}, loading it now if needed; null if it cannot be loaded. */
    private ServedVersion ensure(Deployment deployment, DesiredState.VersionSpec spec, Deployment.Role role)
            throws InterruptedException {
        Deployment.Version existing = deployment.versions.get(spec.key());
        if (existing != null) {
            existing.role = role;
            if (existing.state == Deployment.State.READY) {
                return existing.served;
            }
            if (existing.state == Deployment.State.FAILED
                    && System.nanoTime() - existing.failedAtNanos < RETRY_FAILED_NANOS) {
                return null;
            }
        }
        Deployment.Version version = new Deployment.Version(spec, role);
        deployment.versions.put(spec.key(), version);
        changed();
        long started = System.nanoTime();
        try {
            ServableModel model = loader.load(spec);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            version.served = new ServedVersion(deployment.name(), deployment.model(), spec.version(), model, millis, registry);
            version.loadMillis = millis;
            version.state = Deployment.State.READY;
            LOG.infof("Deployment %s: version %d loaded and warmed up in %d ms", deployment.name(), spec.version(), millis);
            return version.served;
        } catch (ModelLoader.LoadFailure e) {
            version.error = e.getMessage();
            version.failedAtNanos = System.nanoTime();
            version.state = Deployment.State.FAILED;
            deployment.loadFailures.increment();
            LOG.errorf("Deployment %s: version %d could not be loaded: %s", deployment.name(), spec.version(), e.getMessage());
            return null;
        } finally {
            changed();
        }
    }

    private void retire(Deployment deployment, Deployment.Version version) {
        deployment.versions.remove(version.spec.key(), version);
        ServedVersion served = version.served;
        if (served == null) {
            return;
        }
        version.state = Deployment.State.DRAINING;
        deployment.draining.add(version);
        served.retire();
        drainer.execute(() -> {
            long deadline = System.nanoTime() + drainTimeoutNanos;
            while (!served.idle() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (!served.idle()) {
                LOG.warnf("Deployment %s: version %d still has %d requests after the drain timeout; releasing it",
                        deployment.name(), served.version(), served.inFlight());
            }
            served.close();
            deployment.draining.remove(version);
            LOG.debugf("Deployment %s: version %d drained and released", deployment.name(), served.version());
            changed();
        });
    }

    private void changed() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warnf("A serving state listener failed: %s", e.getMessage());
            }
        }
    }

    /** Stops draining work; loaded models stay until the process exits. */
    public void close() {
        drainer.shutdownNow();
    }
}
