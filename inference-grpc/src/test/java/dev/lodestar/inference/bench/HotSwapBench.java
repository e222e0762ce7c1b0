package dev.lodestar.inference.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.lodestar.inference.ServingFixture;
import dev.lodestar.inference.TestModels;
import dev.lodestar.inference.serving.DesiredState;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.PredictBatchRequest;
import dev.lodestar.inference.v1.PredictBatchResponse;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.inference.v1.PredictResponse;
import dev.lodestar.inference.v1.Row;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * Inference server measurements as reusable methods returning numbers (the {@code bench inference} command
 * prints them): a plain grpc-java echo floor, Predict latency, unary throughput at a given number of calls in
 * flight, PredictStream rows per second, and version swaps under constant load. Each method starts what it
 * measures in this JVM on loopback, with a logistic regression over 20 numeric features.
 */
public final class HotSwapBench {

    private HotSwapBench() {
    }

    /** p50 and p99 in microseconds. */
    public record Latency(double p50, double p99) {
    }

    /** A server with two versions of a 20-feature logistic regression written under {@code directory}. */
    public static Served serve(Path directory) {
        var v1 = TestModels.write(TestModels.classifier(1), directory.resolve("v1.model"));
        var v2 = TestModels.write(TestModels.classifier(2), directory.resolve("v2.model"));
        ServingFixture fixture = ServingFixture.start(directory.resolve("server"),
                TestModels.state(1, "bench", 1, v1, null, null, null, null, null), 1 << 16);
        ServingFixture.await("bench ready", () -> fixture.server.serving().deployment("bench") != null
                && fixture.server.serving().deployment("bench").route() != null);
        return new Served(fixture, v1, v2);
    }

    /** A running bench server. */
    public record Served(ServingFixture fixture, TestModels.Artifact v1, TestModels.Artifact v2) implements AutoCloseable {
        @Override
        public void close() {
            fixture.close();
        }
    }

    static PredictRequest request(long seed) {
        return PredictRequest.newBuilder().setDeployment("bench").putAllFeatures(TestModels.row(new Random(seed))).build();
    }

    /** A plain grpc-java unary echo (direct executor, loopback) of {@code payloadBytes}, sequential calls. */
    public static Latency echo(int payloadBytes, int calls) {
        MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("bench.Echo/Echo")
                .setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
        ServerServiceDefinition service = ServerServiceDefinition.builder("bench.Echo")
                .addMethod(method, ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> responses) -> {
                    responses.onNext(request);
                    responses.onCompleted();
                })).build();
        Server server = null;
        ManagedChannel channel = null;
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                    .addService(service).build().start();
            channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
            byte[] payload = new byte[payloadBytes];
            new Random(1).nextBytes(payload);
            long[] times = new long[calls];
            for (int i = -calls / 2; i < calls; i++) {
                long started = System.nanoTime();
                ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), payload);
                if (i >= 0) {
                    times[i] = System.nanoTime() - started;
                }
            }
            return latency(times);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
            if (server != null) {
                server.shutdownNow();
            }
        }
    }

    /** Serialized size of one Predict request (for the echo floor's payload). */
    public static int predictRequestBytes() {
        return request(1).getSerializedSize();
    }

    /** Sequential Predict latency (one call in flight). */
    public static Latency predict(Served served, int calls) {
        var stub = InferenceGrpc.newBlockingStub(served.fixture().channel);
        PredictRequest[] requests = new PredictRequest[64];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = request(i);
        }
        long[] times = new long[calls];
        for (int i = -calls / 2; i < calls; i++) {
            PredictRequest request = requests[Math.floorMod(i, requests.length)];
            long started = System.nanoTime();
            stub.withDeadlineAfter(5, TimeUnit.SECONDS).predict(request);
            if (i >= 0) {
                times[i] = System.nanoTime() - started;
            }
        }
        return latency(times);
    }

    /** Unary Predict calls per second with {@code inFlight} asynchronous calls outstanding, over {@code seconds}. */
    public static double unaryThroughput(Served served, int inFlight, double seconds) throws InterruptedException {
        var stub = InferenceGrpc.newStub(served.fixture().channel);
        PredictRequest request = request(3);
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long warmUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        long end = warmUntil + (long) (seconds * 1e9);
        long counted = 0;
        while (System.nanoTime() < end) {
            permits.acquire();
            boolean count = System.nanoTime() >= warmUntil;
            stub.withDeadlineAfter(5, TimeUnit.SECONDS).predict(request, new StreamObserver<>() {
                @Override
                public void onNext(PredictResponse value) {
                    if (count) {
                        done.incrementAndGet();
                    }
                }

                @Override
                public void onError(Throwable t) {
                    failed.incrementAndGet();
                    permits.release();
                }

                @Override
                public void onCompleted() {
                    permits.release();
                }
            });
        }
        permits.acquire(inFlight);
        counted = done.get();
        return counted / seconds;
    }

    /** PredictStream rows per second: batches of {@code rowsPerBatch}, up to 8 batches outstanding. */
    public static double streamRowsPerSecond(Served served, int rowsPerBatch, double seconds) throws InterruptedException {
        PredictBatchRequest.Builder builder = PredictBatchRequest.newBuilder().setDeployment("bench");
        for (int r = 0; r < rowsPerBatch; r++) {
            builder.addRows(Row.newBuilder().putAllFeatures(TestModels.row(new Random(r))));
        }
        PredictBatchRequest batch = builder.build();
        Semaphore window = new Semaphore(8);
        AtomicLong rows = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(1);
        StreamObserver<PredictBatchRequest> requests = InferenceGrpc.newStub(served.fixture().channel)
                .predictStream(new StreamObserver<>() {
                    @Override
                    public void onNext(PredictBatchResponse value) {
                        rows.addAndGet(value.getPredictionsCount());
                        window.release();
                    }

                    @Override
                    public void onError(Throwable t) {
                        finished.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        finished.countDown();
                    }
                });
        long warmUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        long startRows = -1;
        long end = warmUntil + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            if (startRows < 0 && System.nanoTime() >= warmUntil) {
                startRows = rows.get();
            }
            window.acquire();
            requests.onNext(batch);
        }
        long total = rows.get() - Math.max(0, startRows);
        requests.onCompleted();
        finished.await(10, TimeUnit.SECONDS);
        return total / seconds;
    }

    /**
     * Swaps the primary between two versions {@code swaps} times while {@code callers} threads send Predict calls
     * (deadline 2 s) without pause. Keys: {@code hot_swaps}, {@code hot_swap_failed}, {@code steady_p99_us},
     * {@code swap_p99_us}, {@code hot_swap_p99_ratio}, {@code requests}.
     */
    public static Map<String, Number> hotSwap(Served served, int callers, int swaps) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean swapping = new AtomicBoolean(false);
        AtomicLong failed = new AtomicLong();
        List<long[]> steady = new ArrayList<>();
        List<long[]> during = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long[][] steadyTimes = new long[callers][];
        long[][] swapTimes = new long[callers][];
        for (int t = 0; t < callers; t++) {
            int index = t;
            Thread thread = new Thread(() -> {
                var stub = InferenceGrpc.newBlockingStub(served.fixture().channel);
                PredictRequest request = request(index);
                long[] a = new long[1 << 20];
                long[] b = new long[1 << 20];
                int na = 0;
                int nb = 0;
                while (running.get()) {
                    boolean inSwap = swapping.get();
                    long started = System.nanoTime();
                    try {
                        stub.withDeadlineAfter(2, TimeUnit.SECONDS).predict(request);
                        long took = System.nanoTime() - started;
                        if (inSwap && nb < b.length) {
                            b[nb++] = took;
                        } else if (!inSwap && na < a.length) {
                            a[na++] = took;
                        }
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
                steadyTimes[index] = Arrays.copyOf(a, na);
                swapTimes[index] = Arrays.copyOf(b, nb);
            }, "hot-swap-caller-" + t);
            threads.add(thread);
            thread.start();
        }
        Thread.sleep(2000);
        swapping.set(true);
        int done = 0;
        for (int swap = 0; swap < swaps; swap++) {
            boolean toV2 = swap % 2 == 0;
            served.fixture().server.serving().apply(DesiredState.parse(TestModels.state(100 + swap, "bench", toV2 ? 2 : 1,
                    toV2 ? served.v2() : served.v1(), null, null, null, null, null).getBytes()));
            done++;
        }
        swapping.set(false);
        Thread.sleep(1000);
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        steady.addAll(Arrays.asList(steadyTimes));
        during.addAll(Arrays.asList(swapTimes));
        Latency steadyLatency = latency(concat(steady));
        Latency swapLatency = latency(concat(during));
        Map<String, Number> result = new LinkedHashMap<>();
        result.put("hot_swaps", done);
        result.put("hot_swap_failed", failed.get());
        result.put("steady_p99_us", steadyLatency.p99());
        result.put("swap_p99_us", swapLatency.p99());
        result.put("hot_swap_p99_ratio", swapLatency.p99() / steadyLatency.p99());
        result.put("requests", concat(steady).length + concat(during).length);
        return result;
    }

    private static long[] concat(List<long[]> parts) {
        return parts.stream().flatMapToLong(Arrays::stream).toArray();
    }

    static Latency latency(long[] nanos) {
        if (nanos.length == 0) {
            return new Latency(Double.NaN, Double.NaN);
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Latency(sorted[sorted.length / 2] / 1000.0, sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)] / 1000.0);
    }

    /** Runs everything once and prints the figures. */
    public static void main(String[] args) throws Exception {
        Path directory = Files.createTempDirectory("lodestar-bench");
        try (Served served = serve(directory)) {
            Latency echo = echo(predictRequestBytes(), 20_000);
            Latency predict = predict(served, 20_000);
            double c16 = unaryThroughput(served, 16, 3);
            double c64 = unaryThroughput(served, 64, 3);
            double stream = streamRowsPerSecond(served, 100, 3);
            Map<String, Number> swap = hotSwap(served, 4, 100);
            System.out.printf("echo_p50_us=%.1f echo_p99_us=%.1f payload=%d bytes%n", echo.p50(), echo.p99(), predictRequestBytes());
            System.out.printf("predict_p50_us=%.1f predict_p99_us=%.1f ratio=%.2f%n", predict.p50(), predict.p99(),
                    predict.p50() / echo.p50());
            System.out.printf("unary_rps_c16=%.0f unary_rps_c64=%.0f stream_rows_per_s=%.0f%n", c16, c64, stream);
            System.out.println(swap);
        }
    }
}
