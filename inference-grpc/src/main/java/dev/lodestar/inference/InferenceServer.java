package dev.lodestar.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import dev.lodestar.inference.auth.BearerAuthInterceptor;
import dev.lodestar.inference.auth.JwksKeys;
import dev.lodestar.inference.auth.TokenVerifier;
import dev.lodestar.inference.drift.FeedbackBuffer;
import dev.lodestar.inference.drift.LiveProfiles;
import dev.lodestar.inference.drift.WindowShipper;
import dev.lodestar.inference.oip.OipService;
import dev.lodestar.inference.oip.v2.GRPCInferenceServiceGrpc;
import dev.lodestar.inference.serving.GatewayClient;
import dev.lodestar.inference.serving.PredictionIds;
import dev.lodestar.inference.serving.ServingState;
import dev.lodestar.inference.serving.ShadowMirror;
import dev.lodestar.inference.serving.StateSync;
import dev.lodestar.inference.v1.InferenceGrpc;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The inference data plane: {@code lodestar.inference.v1.Inference} and {@code grpc.health.v1} over gRPC, and
 * health and metrics over HTTP.
 *
 * <p>It serves once Keycloak's signing keys are known (fetched at start, retried until they are). On stop it
 * reports {@code NOT_SERVING} first, so load balancers move away, lets admitted calls finish within the grace
 * period, and only then cancels what is left.
 */
public final class InferenceServer {

    private static final Logger LOG = Logger.getLogger(InferenceServer.class);

    private final InferenceConfig config;
    private final HealthStatusManager health = new HealthStatusManager();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "jwks-refresh"));
    private final JwksKeys keys;
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean followsSource;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final LiveProfiles profiles;
    private final FeedbackBuffer feedback;
    private final ShadowMirror shadows;
    private final InstantSource clock;
    private final PredictionIds ids;
    private final EventLoops loops = EventLoops.server("grpc", EventLoops.cores());
    private ServingState serving;
    private StateSync sync;
    private WindowShipper shipper;
    private Server grpc;
    private ManagementServer management;

    public InferenceServer(InferenceConfig config) {
        this(config, InstantSource.system());
    }

    /**
     * A server reading time from {@code clock}: the seconds prediction ids carry and the windows live profiles are
     * kept in.
     */
    public InferenceServer(InferenceConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
        this.ids = new PredictionIds(clock);
        boolean shipping = ships(config);
        InferenceConfig.Drift drift = config.drift();
        this.profiles = new LiveProfiles(drift.window(), drift.bufferRows(), drift.retainedWindows(), shipping, clock,
                metrics);
        this.feedback = shipping ? new FeedbackBuffer(drift.feedbackBuffer()) : null;
        this.shadows = new ShadowMirror(1, 1024, profiles);
        this.keys = config.issuer() == null ? null : new JwksKeys(config.issuer(), http, Duration.ofSeconds(30), Clock.systemUTC());
    }

    public static void main(String[] args) throws InterruptedException {
        InferenceConfig config;
        try {
            config = InferenceConfig.fromEnvironment(System.getenv());
        } catch (InferenceConfig.InvalidConfig e) {
            System.err.println("inference: " + e.getMessage());
            System.exit(2);
            return;
        }
        InferenceServer server = new InferenceServer(config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "inference-stop"));
        server.grpc.awaitTermination();
    }

    /** Binds both ports and starts serving; fails if a port is taken. */
    public InferenceServer start() {
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);

        GatewayClient gateway = config.gatewayUrl() == null ? null
                : new GatewayClient(config.gatewayUrl(), config.issuer(), config.clientId(), config.clientSecret(), http);
        serving = ServingState.create(StateSync.fetcher(gateway), config.cacheDirectory(), metrics);
        followsSource = config.servingFile() != null || gateway != null;

        List<ServerInterceptor> interceptors = new ArrayList<>();
        interceptors.add(new AdmissionInterceptor(config.maxInFlight(), metrics));
        if (keys != null) {
            TokenVerifier verifier = new TokenVerifier(keys, config.issuer().toString(), config.audience(), Clock.systemUTC());
            interceptors.add(new BearerAuthInterceptor(verifier, config.requiredRole()));
        } else {
            LOG.warn("No issuer configured: callers are not authenticated (in-process use only)");
        }
        interceptors.add(new CallMetricsInterceptor(metrics));
        InferenceService inference = new InferenceService(serving, shadows, ids, profiles, feedback, config.replicaId());
        OipService oip = new OipService(serving, shadows, ids, profiles, this::ready, version());
        try {
            grpc = loops.apply(NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.grpcPort())))
                    // Scoring is microseconds of CPU: answering on the transport thread beats any hand-off.
                    .directExecutor()
                    .addService(ClientErrorsInterceptor.wrap(ServerInterceptors.intercept(inference, interceptors)))
                    .addService(ClientErrorsInterceptor.wrap(ServerInterceptors.intercept(oip, interceptors)))
                    .addService(health.getHealthService())
                    .addService(ProtoReflectionServiceV1.newInstance())
                    .build()
                    .start();
            management = new ManagementServer(config.host(), config.managementPort(), this::ready, metrics);
            management.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not bind the inference server: " + e.getMessage(), e);
        }
        if (keys != null) {
            if (!keys.refresh()) {
                LOG.warnf("Not ready until the signing keys of %s can be fetched; retrying", config.issuer());
            }
            background.scheduleWithFixedDelay(this::refreshKeys, 2, 2, TimeUnit.SECONDS);
        }
        // Until the first desired state is applied, this replica does not know its deployments: gRPC health says
        // NOT_SERVING (and HTTP readiness 503) so balancers send it nothing yet.
        reportHealth();
        serving.onChange(this::reportHealth);
        LOG.infof("Inference server listening on %s:%d (gRPC), health and metrics on port %d", config.host(),
                grpc.getPort(), management.port());

        String address = config.advertisedAddress().endsWith(":0")
                ? config.advertisedAddress().substring(0, config.advertisedAddress().length() - 1) + grpc.getPort()
                : config.advertisedAddress();
        StateSync.Source source = config.servingFile() != null ? StateSync.file(config.servingFile())
                : gateway != null ? StateSync.gateway(gateway, config.gatewayUrl().toString()) : null;
        if (source == null) {
            LOG.warn("No desired state source (LODESTAR_GATEWAY_URL or LODESTAR_SERVING_FILE): serving nothing");
            reportHealth();
        } else {
            String replicaId = config.replicaId();
            sync = new StateSync(serving, source, gateway == null ? null : report -> gateway.report(replicaId, report),
                    address, config.pollInterval()).start();
            LOG.infof("Desired state from %s every %d ms; replica %s", source.describe(), config.pollInterval().toMillis(),
                    replicaId);
        }
        if (feedback != null) {
            shipper = new WindowShipper(profiles, feedback, gateway::shipWindows, config.replicaId(), ids.incarnation(),
                    config.drift().shipInterval(), metrics).start();
            LOG.infof("Drift windows of %d s shipped to %s every %d ms", config.drift().window().toSeconds(),
                    config.gatewayUrl(), config.drift().shipInterval().toMillis());
        }
        return this;
    }

    /** Whether this server ships live windows and feedback: with a gateway, unless shipping is turned off. */
    private static boolean ships(InferenceConfig config) {
        return config.gatewayUrl() != null && config.drift().ship();
    }

    /** Keys are fetched every 2 s until first known, then every 5 minutes so rotated keys arrive early. */
    private long lastRefresh;

    private void refreshKeys() {
        long now = System.nanoTime();
        if (!keys.loaded() || now - lastRefresh > TimeUnit.MINUTES.toNanos(5)) {
            if (keys.refresh()) {
                lastRefresh = now;
            }
        }
    }

    /**
     * Ready when callers can be authenticated, the first desired state has been applied (when there is a source of
     * it), and the server is not draining.
     */
    public boolean ready() {
        return (keys == null || keys.loaded()) && (!followsSource || serving.hasApplied()) && !draining.get();
    }

    private void reportHealth() {
        if (draining.get()) {
            return;
        }
        ServingStatus status = !followsSource || serving.hasApplied() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus("", status);
        health.setStatus(InferenceGrpc.SERVICE_NAME, status);
        health.setStatus(GRPCInferenceServiceGrpc.SERVICE_NAME, status);
    }

    /** What this server serves; {@link ServingState#apply} changes it. */
    public ServingState serving() {
        return serving;
    }

    /** The metrics registry (what {@code /q/metrics} exposes). */
    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    private static String version() {
        String version = InferenceServer.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    /** The live profiles of what this server answers. */
    public LiveProfiles liveProfiles() {
        return profiles;
    }

    /** What ships the live windows and feedback to the gateway; null when this server ships nothing. */
    public WindowShipper shipper() {
        return shipper;
    }

    /** This process's incarnation, as its prediction ids and window shipments carry it. */
    public String incarnation() {
        return ids.incarnation();
    }

    /** The bound gRPC port. */
    public int grpcPort() {
        return grpc.getPort();
    }

    /** The bound management port. */
    public int managementPort() {
        return management.port();
    }

    /** Drains and stops: NOT_SERVING, then up to the grace period for admitted calls, then cancellation. */
    public void stop() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Stopping: draining calls in flight");
        health.enterTerminalState();
        if (sync != null) {
            sync.close();
        }
        grpc.shutdown();
        try {
            if (!grpc.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("Calls still running after %d s; cancelling them", config.shutdownGrace().toSeconds());
                grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            grpc.shutdownNow();
            Thread.currentThread().interrupt();
        }
        management.stop();
        loops.close();
        background.shutdownNow();
        shadows.close();
        if (shipper != null) {
            profiles.awaitFolded(Duration.ofSeconds(2));
            shipper.close();
        }
        profiles.close();
        serving.close();
        LOG.info("Stopped");
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
