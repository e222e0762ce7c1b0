package dev.lodestar.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import dev.lodestar.inference.oip.v2.GRPCInferenceServiceGrpc;
import dev.lodestar.inference.v1.InferenceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * An inference server in this JVM on loopback, reading its desired state from a file the test writes, and a
 * channel to it. Callers are not authenticated here (InferenceServerIT covers authentication with Keycloak).
 */
public final class ServingFixture implements AutoCloseable {

    public final Path directory;
    public final Path stateFile;
    public final InferenceServer server;
    public final ManagedChannel channel;

    private ServingFixture(Path directory, Path stateFile, InferenceServer server) {
        this.directory = directory;
        this.stateFile = stateFile;
        this.server = server;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    }

    /** Starts a server reading {@code state.json} in {@code directory} (written first when {@code json} is given). */
    public static ServingFixture start(Path directory, String json, int maxInFlight) {
        return start(directory, json, config -> config.withMaxInFlight(maxInFlight), InstantSource.system());
    }

    /**
     * Starts a server reading {@code state.json} in {@code directory} (written first when {@code json} is given), its
     * settings those of {@link InferenceConfig#local} changed by {@code configure}, its time read from {@code clock}.
     */
    public static ServingFixture start(Path directory, String json, UnaryOperator<InferenceConfig> configure,
            InstantSource clock) {
        try {
            Files.createDirectories(directory);
            Path stateFile = directory.resolve("state.json");
            if (json != null) {
                Files.writeString(stateFile, json);
            }
            InferenceConfig config = configure.apply(InferenceConfig.local(null, stateFile, directory.resolve("cache")));
            return new ServingFixture(directory, stateFile, new InferenceServer(config, clock).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A clock that stands still until set: decides the seconds prediction ids carry and the windows rows fall in. */
    public static final class ManualClock implements InstantSource {
        private volatile Instant now;

        public ManualClock(Instant now) {
            this.now = now;
        }

        public void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Replaces the desired state file; the server picks it up within its poll interval. */
    public void write(String json) {
        try {
            Path temporary = directory.resolve("state.json.tmp");
            Files.writeString(temporary, json);
            Files.move(temporary, stateFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InferenceGrpc.InferenceBlockingStub inference() {
        return InferenceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    public GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip() {
        return GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** The Prometheus text of {@code /q/metrics}. */
    public String metrics() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.managementPort() + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits up to 30 s for {@code condition}. */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.stop();
    }
}
