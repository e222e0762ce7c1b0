package dev.lodestar.replicas;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

/**
 * Watches which version one inference replica answers a deployment with: a client thread sends predictions over
 * gRPC one after the other and records the first moment each version answered, so a test can tell how long the
 * replica took to follow a change.
 */
final class ServedVersions implements AutoCloseable {

    private final String replica;
    private final ManagedChannel channel;
    private final InferenceGrpc.InferenceBlockingStub inference;
    private final PredictRequest request;
    private final Map<Integer, Instant> firstSeen = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String lastError = "none";
    private volatile long answers;

    ServedVersions(String replica, int grpcPort, String deployment, Map<String, FeatureValue> row, String predictorToken) {
        this.replica = replica;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + predictorToken);
        this.inference = InferenceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        this.request = PredictRequest.newBuilder().setDeployment(deployment).putAllFeatures(row).build();
        this.thread = new Thread(this::watch, "served-versions-" + replica);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until the replica has answered with {@code version}; returns the first moment it did. */
    Instant awaitVersion(int version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!firstSeen.containsKey(version)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(replica + " did not answer with version " + version + " within " + timeout.toSeconds()
                        + " s; versions seen " + firstSeen.keySet() + " in " + answers + " answers, last error: " + lastError);
            }
            Thread.sleep(10);
        }
        return firstSeen.get(version);
    }

    private void watch() {
        while (running) {
            try {
                int version = inference.withDeadlineAfter(5, TimeUnit.SECONDS).predict(request).getModelVersion();
                firstSeen.putIfAbsent(version, Instant.now());
                answers++;
                Thread.sleep(5);
            } catch (StatusRuntimeException e) {
                lastError = e.getStatus().toString();
                pause();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
