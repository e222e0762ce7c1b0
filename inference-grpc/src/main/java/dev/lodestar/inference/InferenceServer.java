package dev.lodestar.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.lodestar.inference.auth.BearerAuthInterceptor;
import dev.lodestar.inference.auth.JwksKeys;
import dev.lodestar.inference.auth.TokenVerifier;
import dev.lodestar.inference.v1.InferenceGrpc;
import io.grpc.Server;
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
    private final ExecutorService callExecutor;
    private final JwksKeys keys;
    private final AtomicBoolean draining = new AtomicBoolean();
    private Server grpc;
    private ManagementServer management;

    public InferenceServer(InferenceConfig config) {
        this.config = config;
        this.keys = new JwksKeys(config.issuer(), HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build(),
                Duration.ofSeconds(30), Clock.systemUTC());
        AtomicInteger threads = new AtomicInteger();
        this.callExecutor = Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
                r -> daemon(r, "inference-call-" + threads.incrementAndGet()));
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

        TokenVerifier verifier = new TokenVerifier(keys, config.issuer().toString(), config.audience(), Clock.systemUTC());
        BearerAuthInterceptor auth = new BearerAuthInterceptor(verifier, config.requiredRole());
        try {
            grpc = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.grpcPort()))
                    .executor(callExecutor)
                    .addService(ServerInterceptors.intercept(new InferenceService(), auth, new CallMetricsInterceptor(metrics)))
                    .addService(health.getHealthService())
                    .addService(ProtoReflectionServiceV1.newInstance())
                    .build()
                    .start();
            management = new ManagementServer(config.host(), config.managementPort(), this::ready, metrics);
            management.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not bind the inference server: " + e.getMessage(), e);
        }
        if (!keys.refresh()) {
            LOG.warnf("Not ready until the signing keys of %s can be fetched; retrying", config.issuer());
        }
        background.scheduleWithFixedDelay(this::refreshKeys, 2, 2, TimeUnit.SECONDS);
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(InferenceGrpc.SERVICE_NAME, ServingStatus.SERVING);
        LOG.infof("Inference server listening on %s:%d (gRPC), health and metrics on port %d", config.host(),
                grpc.getPort(), management.port());
        return this;
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

    /** Ready when callers can be authenticated and the server is not draining. */
    public boolean ready() {
        return keys.loaded() && !draining.get();
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
        background.shutdownNow();
        callExecutor.shutdownNow();
        LOG.info("Stopped");
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
