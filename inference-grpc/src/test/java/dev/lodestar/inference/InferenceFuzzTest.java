package dev.lodestar.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;

import dev.lodestar.inference.fuzz.ProtoMutator;
import dev.lodestar.inference.fuzz.WireBytes;
import dev.lodestar.inference.oip.v2.GRPCInferenceServiceGrpc;
import dev.lodestar.inference.oip.v2.InferTensorContents;
import dev.lodestar.inference.oip.v2.ModelInferRequest;
import dev.lodestar.inference.oip.v2.ModelInferRequest.InferInputTensor;
import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.inference.v1.FeedbackRequest;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.Outcome;
import dev.lodestar.inference.v1.PredictBatchRequest;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.inference.v1.Row;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;

/**
 * Hostile requests against a real inference server over a socket, sent with the generated client: valid
 * {@code Predict}, {@code PredictBatch}, {@code Feedback} and OIP {@code ModelInfer} requests mutated by a
 * {@link ProtoMutator}, and damaged wire bytes. Every answer must be a success or a status the caller can act on
 * ({@code INVALID_ARGUMENT}, {@code NOT_FOUND}, ...), never {@code INTERNAL} or {@code UNKNOWN}, with a short
 * description that holds no stack trace; afterwards the server still answers a valid request exactly.
 *
 * <p>Deterministic for a seed: {@code -Dlodestar.fuzz.seed=S} replays a run, {@code -Dlodestar.fuzz.count=N}
 * changes the number of inputs (default 1500).
 */
class InferenceFuzzTest {

    /** The seed of a plain build, so CI always tries the same inputs; pass -Dlodestar.fuzz.seed to try others. */
    private static final long DEFAULT_SEED = 20261123L;

    private static final Set<Status.Code> ACCEPTABLE = EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION, Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.OUT_OF_RANGE, Status.Code.UNAVAILABLE);
    private static final Pattern LEAK = Pattern.compile("Exception|\\bat [a-z]+\\.|java\\.|dev\\.lodestar\\.|\\.java:");
    private static final int MAX_DESCRIPTION = 600;

    @TempDir
    static Path directory;
    static ServingFixture fixture;

    @BeforeAll
    static void start() {
        TestModels.Artifact classifier = TestModels.write(TestModels.classifier(1), directory.resolve("churn-v1.model"));
        TestModels.Artifact regression = TestModels.write(TestModels.regression(5), directory.resolve("price-v4.model"));
        fixture = ServingFixture.start(directory.resolve("server"), TestModels.merge(1,
                TestModels.state(1, "churn", 1, classifier, null, null, null, null, null),
                TestModels.state(1, "price", 4, regression, null, null, null, null, null)), 1024);
        ServingFixture.await("churn and price ready", () -> ready("churn") && ready("price"));
    }

    private static boolean ready(String name) {
        var deployment = fixture.server.serving().deployment(name);
        return deployment != null && deployment.route() != null;
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void hostileRequestsGetAStatusTheCallerCanActOnAndTheServerKeepsServing() {
        long seed = Long.getLong("lodestar.fuzz.seed", DEFAULT_SEED);
        int count = Integer.getInteger("lodestar.fuzz.count", 1500);
        Random random = new Random(seed);
        ProtoMutator mutator = new ProtoMutator(random);
        Map<String, Integer> tried = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < count && failures.size() < 20; i++) {
            int surface = random.nextInt(6);
            String name;
            Supplier<Object> call;
            switch (surface) {
                case 0 -> {
                    PredictRequest request = mutator.mutate(predict(random));
                    name = "Predict";
                    call = () -> fixture.inference().predict(request);
                }
                case 1 -> {
                    PredictBatchRequest request = mutator.mutate(batch(random));
                    name = "PredictBatch";
                    call = () -> fixture.inference().predictBatch(request);
                }
                case 2, 3 -> {
                    ModelInferRequest request = mutator.mutate(infer(random));
                    name = "ModelInfer";
                    call = () -> fixture.oip().modelInfer(request);
                }
                case 4 -> {
                    FeedbackRequest request = mutator.mutate(feedback(random));
                    name = "Feedback";
                    call = () -> fixture.inference().feedback(request);
                }
                default -> {
                    Message valid = switch (random.nextInt(3)) {
                        case 0 -> predict(random);
                        case 1 -> batch(random);
                        default -> infer(random);
                    };
                    MethodDescriptor<?, ?> method = valid instanceof PredictRequest ? InferenceGrpc.getPredictMethod()
                            : valid instanceof PredictBatchRequest ? InferenceGrpc.getPredictBatchMethod()
                            : GRPCInferenceServiceGrpc.getModelInferMethod();
                    byte[] bytes = mutator.damage(valid.toByteArray());
                    name = "wire bytes of " + method.getBareMethodName();
                    call = () -> ClientCalls.blockingUnaryCall(fixture.channel, WireBytes.of(method),
                            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), bytes);
                }
            }
            tried.merge(name.startsWith("wire") ? "wire bytes" : name, 1, Integer::sum);
            String problem = check(call);
            if (problem != null) {
                failures.add("input " + i + " (" + name + "): " + problem);
            }
        }
        System.out.printf("gRPC fuzz: seed %d, %d inputs in %d ms: %s%n", seed, tried.values().stream().mapToInt(n -> n).sum(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), tried);

        assertThat(failures).as("replay with -Dlodestar.fuzz.seed=%d -Dlodestar.fuzz.count=%d", seed, count).isEmpty();
        var answer = fixture.inference().predict(PredictRequest.newBuilder().setDeployment("churn")
                .putAllFeatures(TestModels.row(new Random(7))).build());
        assertThat(answer.getClassification().getLabel()).isIn("yes", "no");
        assertThat(fixture.metrics()).contains("lodestar_serving");
    }

    /** Null if the call ended acceptably, else what was wrong. */
    private static String check(Supplier<Object> call) {
        try {
            call.get();
            return null;
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            String description = String.valueOf(status.getDescription());
            if (!ACCEPTABLE.contains(status.getCode())) {
                return status.getCode() + ": " + cut(description);
            }
            if (description.length() > MAX_DESCRIPTION) {
                return status.getCode() + " with a description of " + description.length() + " characters: "
                        + cut(description);
            }
            if (LEAK.matcher(description).find()) {
                return status.getCode() + " leaks internals: " + cut(description);
            }
            return null;
        }
    }

    private static String cut(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static PredictRequest predict(Random random) {
        if (random.nextBoolean()) {
            return PredictRequest.newBuilder().setDeployment("churn").putAllFeatures(TestModels.row(random)).build();
        }
        return PredictRequest.newBuilder().setDeployment("price").setRoutingKey("user-" + random.nextInt(100))
                .putFeatures("x", FeatureValue.newBuilder().setNumber(random.nextDouble() * 10).build())
                .putFeatures("plan", FeatureValue.newBuilder().setText(random.nextBoolean() ? "pro" : "basic").build())
                .build();
    }

    private static PredictBatchRequest batch(Random random) {
        PredictBatchRequest.Builder request = PredictBatchRequest.newBuilder().setDeployment("churn")
                .setCorrelationId("c-" + random.nextInt(1000)).setCompact(random.nextBoolean());
        boolean positional = random.nextBoolean();
        if (positional) {
            request.addAllColumns(TestModels.NUMBERS);
        }
        for (int r = 0, rows = 1 + random.nextInt(4); r < rows; r++) {
            Row.Builder row = Row.newBuilder();
            if (positional) {
                for (int c = 0; c < TestModels.NUMBERS.size(); c++) {
                    row.addNumbers(random.nextGaussian());
                }
            } else {
                row.putAllFeatures(TestModels.row(random));
            }
            request.addRows(row);
        }
        return request.build();
    }

    private static ModelInferRequest infer(Random random) {
        int batch = 1 + random.nextInt(3);
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setId("req-" + random.nextInt(1000));
        switch (random.nextInt(3)) {
            case 0 -> {
                request.setModelName("price");
                InferTensorContents.Builder xs = InferTensorContents.newBuilder();
                InferTensorContents.Builder plans = InferTensorContents.newBuilder();
                for (int r = 0; r < batch; r++) {
                    xs.addFp64Contents(random.nextDouble() * 10);
                    plans.addBytesContents(ByteString.copyFromUtf8(random.nextBoolean() ? "pro" : "basic"));
                }
                request.addInputs(InferInputTensor.newBuilder().setName("x").setDatatype("FP64").addShape(batch).setContents(xs))
                        .addInputs(InferInputTensor.newBuilder().setName("plan").setDatatype("BYTES").addShape(batch)
                                .setContents(plans));
            }
            case 1 -> {
                request.setModelName("churn");
                InferTensorContents.Builder values = InferTensorContents.newBuilder();
                for (int i = 0; i < batch * TestModels.NUMBERS.size(); i++) {
                    values.addFp64Contents(random.nextGaussian());
                }
                request.addInputs(InferInputTensor.newBuilder().setName("input").setDatatype("FP64").addShape(batch)
                        .addShape(TestModels.NUMBERS.size()).setContents(values));
            }
            default -> {
                request.setModelName("price");
                ByteBuffer xs = ByteBuffer.allocate(8 * batch).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer plans = ByteBuffer.allocate(16 * batch).order(ByteOrder.LITTLE_ENDIAN);
                for (int r = 0; r < batch; r++) {
                    xs.putDouble(random.nextDouble() * 10);
                    byte[] plan = (random.nextBoolean() ? "pro" : "basic").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    plans.putInt(plan.length).put(plan);
                }
                request.addInputs(InferInputTensor.newBuilder().setName("x").setDatatype("FP64").addShape(batch))
                        .addInputs(InferInputTensor.newBuilder().setName("plan").setDatatype("BYTES").addShape(batch))
                        .addRawInputContents(ByteString.copyFrom(xs.array()))
                        .addRawInputContents(ByteString.copyFrom(plans.array(), 0, plans.position()));
            }
        }
        if (random.nextInt(4) == 0) {
            request.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                    .setName(request.getModelName().equals("price") ? "value" : "label"));
        }
        return request.build();
    }

    private static FeedbackRequest feedback(Random random) {
        FeedbackRequest.Builder request = FeedbackRequest.newBuilder();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            request.addOutcomes(Outcome.newBuilder().setPredictionId(Long.toString(random.nextLong() & Long.MAX_VALUE, 36))
                    .setActual(random.nextBoolean() ? "yes" : "no"));
        }
        return request.build();
    }
}
