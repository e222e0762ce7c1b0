package dev.lodestar.inference.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import dev.lodestar.inference.EventLoops;
import dev.lodestar.inference.ServingFixture;
import dev.lodestar.inference.TestModels;
import dev.lodestar.inference.drift.LiveProfiles;
import dev.lodestar.inference.serving.ServableModel;
import dev.lodestar.inference.serving.ServedVersion;
import dev.lodestar.inference.serving.DesiredState;
import dev.lodestar.inference.v1.FeatureValue;
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
 * prints them): a plain grpc-java echo floor (latency and throughput), Predict latency, unary throughput at a
 * given number of calls in flight, PredictStream rows per second in the named and the positional form, and
 * version swaps under constant load. Each method starts what it measures in this JVM on loopback, with a
 * logistic regression over 20 numeric features. Clients answer on their I/O threads (direct executor) over a
 * few channels, like the server, so the load generator spends its CPU on calls rather than hand-offs.
 */
public final class HotSwapBench {

    private HotSwapBench() {
    }

    /** Client channels per measure: enough to spread calls over both I/O threads of a 2-core machine. */
    static final int CLIENT_CHANNELS = 2;

    /** p50 and p99 in microseconds. */
    public record Latency(double p50, double p99) {
    }

    /** The request and answer forms of a PredictStream. */
    public enum StreamForm {
        /** Rows as {@code map<string, FeatureValue>}, answers as {@code PredictResponse} per row. */
        NAMED,
        /** Column names once per batch, rows as {@code repeated double numbers}, compact answers. */
        POSITIONAL_COMPACT
    }

    /** A server with two versions of a 20-feature logistic regression written under {@code directory}. */
    public static Served serve(Path directory) {
        var v1 = TestModels.write(TestModels.classifier(1), directory.resolve("v1.model"));
        var v2 = TestModels.write(TestModels.classifier(2), directory.resolve("v2.model"));
        ServingFixture fixture = ServingFixture.start(directory.resolve("server"),
                TestModels.state(1, "bench", 1, v1, null, null, null, null, null), 1 << 16);
        ServingFixture.await("bench ready", () -> fixture.server.serving().deployment("bench") != null
                && fixture.server.serving().deployment("bench").route() != null);
        EventLoops loops = EventLoops.client("bench-client", EventLoops.cores());
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < CLIENT_CHANNELS; i++) {
            channels.add(loops.apply(NettyChannelBuilder.forAddress("127.0.0.1", fixture.server.grpcPort()))
                    .usePlaintext().directExecutor().disableRetry().build());
        }
        return new Served(fixture, v1, v2, loops, List.copyOf(channels));
    }

    /** A running bench server and the client channels measuring it. */
    public record Served(ServingFixture fixture, TestModels.Artifact v1, TestModels.Artifact v2, EventLoops clientLoops,
            List<ManagedChannel> channels) implements AutoCloseable {
        @Override
        public void close() {
            channels.forEach(ManagedChannel::shutdownNow);
            fixture.close();
            clientLoops.close();
        }
    }

    static PredictRequest request(long seed) {
        return PredictRequest.newBuilder().setDeployment("bench").putAllFeatures(TestModels.row(new Random(seed))).build();
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
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

    private static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("bench.Echo/Echo")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    /**
     * A plain grpc-java unary echo server and its client channels, set up like the inference server and the bench
     * client (same event loops, direct executors): the floor for Predict.
     */
    public static final class Echo implements AutoCloseable {
        private final EventLoops serverLoops = EventLoops.server("echo", EventLoops.cores());
        private final EventLoops clientLoops = EventLoops.client("echo-client", EventLoops.cores());
        private final Server server;
        private final List<ManagedChannel> channels = new ArrayList<>();

        public Echo() {
            ServerServiceDefinition service = ServerServiceDefinition.builder("bench.Echo")
                    .addMethod(ECHO, ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> responses) -> {
                        responses.onNext(request);
                        responses.onCompleted();
                    })).build();
            try {
                server = serverLoops.apply(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                        .directExecutor().addService(service).build().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < CLIENT_CHANNELS; i++) {
                channels.add(clientLoops.apply(NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()))
                        .usePlaintext().directExecutor().disableRetry().build());
            }
        }

        @Override
        public void close() {
            channels.forEach(ManagedChannel::shutdownNow);
            server.shutdownNow();
            clientLoops.close();
            serverLoops.close();
        }
    }

    /** Sequential echo latency of {@code payloadBytes}. */
    public static Latency echo(int payloadBytes, int calls) {
        try (Echo echo = new Echo()) {
            return echo(echo, payloadBytes, calls);
        }
    }

    /** Sequential echo latency of {@code payloadBytes} on a running echo server. */
    public static Latency echo(Echo echo, int payloadBytes, int calls) {
        byte[] payload = payload(payloadBytes);
        ManagedChannel channel = echo.channels.get(0);
        long[] times = new long[calls];
        for (int i = -calls / 2; i < calls; i++) {
            long started = System.nanoTime();
            ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), payload);
            if (i >= 0) {
                times[i] = System.nanoTime() - started;
            }
        }
        return latency(times);
    }

    /** Echo calls per second with {@code inFlight} asynchronous calls outstanding, over {@code seconds}. */
    public static double echoThroughput(Echo echo, int payloadBytes, int inFlight, double seconds)
            throws InterruptedException {
        byte[] payload = payload(payloadBytes);
        return HotSwapBench.<byte[]>throughput(echo.channels, inFlight, seconds, (channel, observer) -> ClientCalls.asyncUnaryCall(
                channel.newCall(ECHO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS)), payload, observer));
    }

    private static byte[] payload(int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        new Random(1).nextBytes(payload);
        return payload;
    }

    /** Serialized size of one Predict request (for the echo floor's payload). */
    public static int predictRequestBytes() {
        return request(1).getSerializedSize();
    }

    /** Sequential Predict latency (one call in flight). */
    public static Latency predict(Served served, int calls) {
        var stub = InferenceGrpc.newBlockingStub(served.channels().get(0));
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

    /**
     * The live profiles' cost: nanoseconds a predict thread spends handing one answered row off (mean over
     * {@code chunks} x 10,000 single-row hand-offs, each chunk folded before the next so none is dropped), and the rows
     * per second the fold thread profiles (20 number columns and a label).
     */
    public static Map<String, Number> driftHandOff(Served served, int chunks) {
        LiveProfiles profiles = served.fixture().server.liveProfiles();
        ServedVersion version = served.fixture().server.serving().deployment("bench").route().primary();
        int chunk = 10_000;
        Object[][] rows = new Object[64][];
        ServableModel.Answer[] answers = new ServableModel.Answer[64];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = version.servable().row(request(i).getFeaturesMap());
            answers[i] = version.servable().score(rows[i]);
        }
        long second = System.currentTimeMillis() / 1000;
        long handOffNanos = 0;
        long foldNanos = 0;
        for (int c = -chunks / 4; c < chunks; c++) {
            long started = System.nanoTime();
            for (int i = 0; i < chunk; i++) {
                profiles.offer(version, second, rows[i & 63], answers[i & 63]);
            }
            long handedOff = System.nanoTime();
            profiles.awaitFolded(Duration.ofSeconds(30));
            if (c >= 0) {
                handOffNanos += handedOff - started;
                foldNanos += System.nanoTime() - started;
            }
        }
        Map<String, Number> figures = new LinkedHashMap<>();
        figures.put("drift_handoff_ns", (double) handOffNanos / ((long) chunks * chunk));
        figures.put("drift_fold_rows_per_s", (long) chunks * chunk * 1e9 / foldNanos);
        return figures;
    }

    /** Unary Predict calls per second with {@code inFlight} asynchronous calls outstanding, over {@code seconds}. */
    public static double unaryThroughput(Served served, int inFlight, double seconds) throws InterruptedException {
        PredictRequest request = request(3);
        List<InferenceGrpc.InferenceStub> stubs = served.channels().stream().map(InferenceGrpc::newStub).toList();
        return HotSwapBench.<PredictResponse>throughput(served.channels(), inFlight, seconds, (channel, observer) ->
                stubs.get(served.channels().indexOf(channel)).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .predict(request, observer));
    }

    /** Starts one asynchronous call on {@code channel} answering {@code observer}. */
    private interface Call<R> {
        void start(ManagedChannel channel, StreamObserver<R> observer);
    }

    /**
     * Completed calls per second with {@code inFlight} outstanding: each answer starts the next call from the
     * thread that received it, calls spread over the channels; half a second of warm-up is not counted.
     */
    private static <R> double throughput(List<ManagedChannel> channels, int inFlight, double seconds, Call<R> call)
            throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch stopped = new CountDownLatch(inFlight);
        for (int i = 0; i < inFlight; i++) {
            ManagedChannel channel = channels.get(i % channels.size());
            call.start(channel, new StreamObserver<>() {
                @Override
                public void onNext(R value) {
                    done.incrementAndGet();
                }

                @Override
                public void onError(Throwable t) {
                    failed.incrementAndGet();
                    next();
                }

                @Override
                public void onCompleted() {
                    next();
                }

                private void next() {
                    if (running.get()) {
                        call.start(channel, this);
                    } else {
                        stopped.countDown();
                    }
                }
            });
        }
        Thread.sleep(500);
        long before = done.get();
        long started = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long counted = done.get() - before;
        double elapsed = (System.nanoTime() - started) / 1e9;
        running.set(false);
        stopped.await(10, TimeUnit.SECONDS);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " calls failed while measuring throughput");
        }
        return counted / elapsed;
    }

    /** PredictStream rows per second in the fastest form ({@link StreamForm#POSITIONAL_COMPACT}). */
    public static double streamRowsPerSecond(Served served, int rowsPerBatch, double seconds) throws InterruptedException {
        return streamRowsPerSecond(served, rowsPerBatch, seconds, StreamForm.POSITIONAL_COMPACT);
    }

    /** The batch a stream measure sends, in {@code form}. */
    static PredictBatchRequest batch(int rowsPerBatch, StreamForm form) {
        PredictBatchRequest.Builder builder = PredictBatchRequest.newBuilder().setDeployment("bench");
        if (form == StreamForm.POSITIONAL_COMPACT) {
            builder.addAllColumns(TestModels.NUMBERS).setCompact(true);
        }
        for (int r = 0; r < rowsPerBatch; r++) {
            Map<String, FeatureValue> row = TestModels.row(new Random(r));
            if (form == StreamForm.NAMED) {
                builder.addRows(Row.newBuilder().putAllFeatures(row));
            } else {
                Row.Builder numbers = Row.newBuilder();
                TestModels.NUMBERS.forEach(name -> numbers.addNumbers(row.get(name).getNumber()));
                builder.addRows(numbers);
            }
        }
        return builder.build();
    }

    /**
     * PredictStream rows per second in {@code form}: one stream per client channel, batches of {@code rowsPerBatch},
     * up to 4 batches outstanding per stream, every answer read and checked for its row count.
     */
    public static double streamRowsPerSecond(Served served, int rowsPerBatch, double seconds, StreamForm form)
            throws InterruptedException {
        PredictBatchRequest batch = batch(rowsPerBatch, form);
        AtomicLong rows = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch finished = new CountDownLatch(served.channels().size());
        int window = 4;
        for (ManagedChannel channel : served.channels()) {
            AtomicReference<StreamObserver<PredictBatchRequest>> requests = new AtomicReference<>();
            Object lock = new Object();
            requests.set(InferenceGrpc.newStub(channel).predictStream(new StreamObserver<>() {
                private int outstanding = window;
                private boolean closed;

                @Override
                public void onNext(PredictBatchResponse value) {
                    int answered = form == StreamForm.NAMED ? value.getPredictionsCount() : value.getCompactCount();
                    if (answered != rowsPerBatch) {
                        failed.incrementAndGet();
                    }
                    rows.addAndGet(answered);
                    synchronized (lock) {
                        if (running.get()) {
                            requests.get().onNext(batch);
                        } else if (--outstanding == 0 && !closed) {
                            closed = true;
                            requests.get().onCompleted();
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    failed.incrementAndGet();
                    finished.countDown();
                }

                @Override
                public void onCompleted() {
                    finished.countDown();
                }
            }));
            synchronized (lock) {
                for (int i = 0; i < window; i++) {
                    requests.get().onNext(batch);
                }
            }
        }
        Thread.sleep(500);
        long before = rows.get();
        long started = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long counted = rows.get() - before;
        double elapsed = (System.nanoTime() - started) / 1e9;
        running.set(false);
        finished.await(10, TimeUnit.SECONDS);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " stream batches failed while measuring");
        }
        return counted / elapsed;
    }

    /** How many steady/swapping phase pairs the hot-swap measure alternates. */
    static final int ROUNDS = 5;

    /**
     * Version swaps under constant load: after a warm-up, Predict calls are sent at a fixed {@code ratePerSecond}
     * (open loop: a call is started on schedule whatever the previous ones are doing; its latency counts from when
     * it was sent). Steady and swapping phases of {@code phaseSeconds} in all alternate in {@link #ROUNDS} rounds;
     * during the swapping ones the primary is switched between two versions {@code swaps} times in all, spread
     * evenly, by one loader thread (as the server's state sync does). A call
     * belongs to the phase it was sent in; p99 is over all calls of a phase. Keys: {@code hot_swaps}, {@code hot_swap_failed}, {@code steady_p50_us},
     * {@code steady_p99_us}, {@code swap_p50_us}, {@code swap_p99_us}, {@code hot_swap_p99_ratio},
     * {@code steady_requests}, {@code swap_requests}, {@code swap_phase_s}.
     */
    public static Map<String, Number> hotSwap(Served served, int ratePerSecond, double phaseSeconds, int swaps)
            throws Exception {
        List<InferenceGrpc.InferenceStub> stubs = served.channels().stream().map(InferenceGrpc::newStub).toList();
        PredictRequest[] requests = new PredictRequest[64];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = request(i);
        }
        AtomicLong failed = new AtomicLong();
        AtomicLong outstanding = new AtomicLong();
        // 0: warming up (not counted), 1: steady, 2: swapping; a call belongs to the phase it was sent in.
        AtomicInteger phase = new AtomicInteger();
        int capacity = (int) (ratePerSecond * phaseSeconds * 3) + 1024;
        long[] steady = new long[capacity];
        long[] during = new long[capacity];
        AtomicLong steadyCount = new AtomicLong();
        AtomicLong duringCount = new AtomicLong();
        AtomicBoolean sending = new AtomicBoolean(true);
        long interval = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;

        Thread sender = new Thread(() -> {
            long next = System.nanoTime();
            long n = 0;
            while (sending.get()) {
                long now = System.nanoTime();
                if (now < next) {
                    LockSupport.parkNanos(next - now);
                    continue;
                }
                next += interval;
                long sent = System.nanoTime();
                int sentIn = phase.get();
                outstanding.incrementAndGet();
                stubs.get((int) (n % stubs.size())).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .predict(requests[(int) (n++ % requests.length)], new StreamObserver<>() {
                            @Override
                            public void onNext(PredictResponse value) {
                                long took = System.nanoTime() - sent;
                                if (sentIn == 0) {
                                    return;
                                }
                                long[] into = sentIn == 2 ? during : steady;
                                int index = (int) (sentIn == 2 ? duringCount : steadyCount).getAndIncrement();
                                if (index < into.length) {
                                    into[index] = took;
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                                if (sentIn != 0) {
                                    failed.incrementAndGet();
                                }
                                outstanding.decrementAndGet();
                            }

                            @Override
                            public void onCompleted() {
                                outstanding.decrementAndGet();
                            }
                        });
            }
        }, "hot-swap-load");
        // Warm the path up (sequential calls, then a second of the constant load), then count the steady phase.
        predict(served, 20_000);
        sender.start();
        Thread.sleep(1000);
        // Steady and swapping phases alternate in rounds, so a change in the machine's load during the run hits
        // both alike; each call counts in the phase it was sent in.
        long roundNanos = (long) (phaseSeconds * 1e9) / ROUNDS;
        int done = 0;
        long swapNanos = 0;
        long[] applyNanos = new long[swaps];
        for (int round = 0; round < ROUNDS; round++) {
            phase.set(1);
            LockSupport.parkNanos(roundNanos);
            long swapStart = System.nanoTime();
            phase.set(2);
            int inRound = swaps * (round + 1) / ROUNDS - swaps * round / ROUNDS;
            for (int swap = 0; swap < inRound; swap++) {
                long wait = swapStart + roundNanos * swap / inRound - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                boolean toV2 = done % 2 == 0;
                long applyStart = System.nanoTime();
                served.fixture().server.serving().apply(DesiredState.parse(TestModels.state(100 + done, "bench", toV2 ? 2 : 1,
                        toV2 ? served.v2() : served.v1(), null, null, null, null, null).getBytes()));
                applyNanos[done] = System.nanoTime() - applyStart;
                done++;
            }
            long remaining = swapStart + roundNanos - System.nanoTime();
            if (remaining > 0) {
                LockSupport.parkNanos(remaining);
            }
            swapNanos += System.nanoTime() - swapStart;
        }
        double swapPhase = swapNanos / 1e9;
        sending.set(false);
        sender.join();
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (outstanding.get() > 0 && System.nanoTime() < waitUntil) {
            Thread.sleep(10);
        }
        int steadyN = (int) Math.min(steady.length, steadyCount.get());
        int duringN = (int) Math.min(during.length, duringCount.get());
        Latency steadyLatency = latency(Arrays.copyOf(steady, steadyN));
        Latency swapLatency = latency(Arrays.copyOf(during, duringN));
        Map<String, Number> result = new LinkedHashMap<>();
        result.put("hot_swaps", done);
        result.put("hot_swap_failed", failed.get());
        result.put("steady_p50_us", steadyLatency.p50());
        result.put("steady_p99_us", steadyLatency.p99());
        result.put("swap_p50_us", swapLatency.p50());
        result.put("swap_p99_us", swapLatency.p99());
        result.put("hot_swap_p99_ratio", swapLatency.p99() / steadyLatency.p99());
        Latency apply = latency(Arrays.copyOf(applyNanos, done));
        result.put("swap_apply_p50_us", apply.p50());
        result.put("swap_apply_p99_us", apply.p99());
        result.put("steady_requests", steadyN);
        result.put("swap_requests", duringN);
        result.put("swap_phase_s", swapPhase);
        return result;
    }

    static Latency latency(long[] nanos) {
        if (nanos.length == 0) {
            return new Latency(Double.NaN, Double.NaN);
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Latency(sorted[sorted.length / 2] / 1000.0, sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)] / 1000.0);
    }

    /**
     * Every figure of the issue's {@code data/bench/inference.json}, measured in this process, plus the echo
     * throughput, ratios and the named stream form that explain them. Keys: {@code inprocess_p50_us},
     * {@code echo_p50_us}, {@code predict_p50_us}, {@code predict_p99_us}, {@code unary_rps_c16},
     * {@code unary_rps_c64}, {@code stream_rows_per_s}, {@code xgboost_inprocess_p50_us}, {@code hot_swaps},
     * {@code hot_swap_failed}, {@code hot_swap_p99_ratio}; and {@code echo_rps_c16}, {@code echo_rps_c64},
     * {@code predict_echo_p50_ratio}, {@code stream_named_rows_per_s}, {@code steady_p99_us}, {@code swap_p99_us}.
     * Each figure comes from its own method above (usable alone); in-process figures from {@link ScoringBench#run}.
     */
    public static Map<String, Number> all(Path directory) throws Exception {
        Map<String, Number> figures = new LinkedHashMap<>();
        Map<String, ScoringBench.Figure> scoring = ScoringBench.run(100_000);
        figures.put("inprocess_p50_us", scoring.get("inprocess").p50Us());
        figures.put("xgboost_inprocess_p50_us", scoring.get("xgboost_inprocess").p50Us());
        try (Served served = serve(directory); Echo echo = new Echo()) {
            int payload = predictRequestBytes();
            Latency echoLatency = echo(echo, payload, 20_000);
            Latency predict = predict(served, 20_000);
            figures.put("echo_p50_us", echoLatency.p50());
            figures.put("predict_p50_us", predict.p50());
            figures.put("predict_p99_us", predict.p99());
            figures.put("predict_echo_p50_ratio", predict.p50() / echoLatency.p50());
            figures.put("echo_rps_c16", echoThroughput(echo, payload, 16, 3));
            figures.put("unary_rps_c16", unaryThroughput(served, 16, 3));
            figures.put("echo_rps_c64", echoThroughput(echo, payload, 64, 3));
            figures.put("unary_rps_c64", unaryThroughput(served, 64, 3));
            figures.put("stream_rows_per_s", streamRowsPerSecond(served, 256, 3, StreamForm.POSITIONAL_COMPACT));
            figures.put("stream_named_rows_per_s", streamRowsPerSecond(served, 256, 3, StreamForm.NAMED));
            figures.putAll(driftHandOff(served, 40));
            // The streams leave much garbage behind; the swap phases should not pay for collecting it.
            System.gc();
            Map<String, Number> swap = hotSwap(served, 2000, 20, 100);
            figures.put("hot_swaps", swap.get("hot_swaps"));
            figures.put("hot_swap_failed", swap.get("hot_swap_failed"));
            figures.put("hot_swap_p99_ratio", swap.get("hot_swap_p99_ratio"));
            figures.put("steady_p99_us", swap.get("steady_p99_us"));
            figures.put("swap_p99_us", swap.get("swap_p99_us"));
        }
        return figures;
    }

    /** The keys {@code data/bench/inference.json} holds (the figures). */
    /** One measure only, for profiling a single path: {@code swap [rate]}, {@code stream} or {@code unary}. */
    public static void main(String[] args) throws Exception {
        String only = args.length > 0 ? args[0] : "";
        Map<String, Number> figures = new LinkedHashMap<>();
        try (Served served = serve(Files.createTempDirectory("lodestar-bench"))) {
            switch (only) {
                case "swap" -> figures.putAll(hotSwap(served, args.length > 1 ? Integer.parseInt(args[1]) : 2000, 5, 100));
                case "stream" -> {
                    figures.put("stream_rows_per_s", streamRowsPerSecond(served, 256, 10, StreamForm.POSITIONAL_COMPACT));
                    figures.put("stream_named_rows_per_s", streamRowsPerSecond(served, 256, 10, StreamForm.NAMED));
                }
                case "drift" -> figures.putAll(driftHandOff(served, 40));
                case "unary" -> {
                    figures.put("unary_rps_c16", unaryThroughput(served, 16, 10));
                    figures.put("unary_rps_c64", unaryThroughput(served, 64, 10));
                }
                default -> throw new IllegalArgumentException("usage: HotSwapBench swap [rate] | stream | unary | drift"
                        + " (the full table is ./lodestar bench inference)");
            }
        }
        figures.forEach((key, value) -> System.out.printf("%-26s %14.2f%n", key, value.doubleValue()));
        System.exit(0);
    }
}
