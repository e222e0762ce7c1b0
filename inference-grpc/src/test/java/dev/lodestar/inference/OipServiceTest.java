package dev.lodestar.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.Regressor;

import com.google.protobuf.ByteString;

import dev.lodestar.inference.oip.OipService;
import dev.lodestar.inference.oip.v2.GRPCInferenceServiceGrpc;
import dev.lodestar.inference.oip.v2.InferTensorContents;
import dev.lodestar.inference.oip.v2.ModelInferRequest;
import dev.lodestar.inference.oip.v2.ModelInferRequest.InferInputTensor;
import dev.lodestar.inference.oip.v2.ModelInferResponse;
import dev.lodestar.inference.oip.v2.ModelInferResponse.InferOutputTensor;
import dev.lodestar.inference.oip.v2.ModelMetadataRequest;
import dev.lodestar.inference.oip.v2.ModelMetadataResponse;
import dev.lodestar.inference.oip.v2.ModelMetadataResponse.TensorMetadata;
import dev.lodestar.inference.oip.v2.ModelReadyRequest;
import dev.lodestar.inference.oip.v2.ServerLiveRequest;
import dev.lodestar.inference.oip.v2.ServerMetadataRequest;
import dev.lodestar.inference.oip.v2.ServerReadyRequest;
import dev.lodestar.deploy.model.PredictionId;
import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.tribuo.InputSchema;
import io.grpc.Status;

/**
 * {@code inference.GRPCInferenceService} (KServe OIP v2) over a real socket with the generated client, answering with
 * real Tribuo models: {@code churn}, a logistic regression over 20 numbers, and {@code price}, a linear regression over
 * a number {@code x} and a text column {@code plan}.
 */
class OipServiceTest {

    @TempDir
    static Path directory;
    static ServingFixture fixture;
    static TestModels.Artifact classifier;
    static TestModels.Artifact regression;

    @BeforeAll
    static void start() {
        classifier = TestModels.write(TestModels.classifier(1), directory.resolve("churn-v1.model"));
        regression = TestModels.write(TestModels.regression(5), directory.resolve("price-v4.model"));
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

    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip() {
        return fixture.oip();
    }

    @Test
    void theServerIsLiveAndReadyAndDescribesItself() {
        assertThat(oip().serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
        assertThat(oip().serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
        var metadata = oip().serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertThat(metadata.getName()).isEqualTo("lodestar-inference");
        assertThat(metadata.getVersion()).isNotEmpty();
    }

    @Test
    void aDeployedModelIsReadyAndAnUnknownOneIsNot() {
        assertThat(oip().modelReady(ModelReadyRequest.newBuilder().setName("churn").build()).getReady()).isTrue();
        assertThat(oip().modelReady(ModelReadyRequest.newBuilder().setName("churn").setVersion("1").build()).getReady())
                .isTrue();
        assertThat(oip().modelReady(ModelReadyRequest.newBuilder().setName("churn").setVersion("9").build()).getReady())
                .isFalse();
        assertThat(oip().modelReady(ModelReadyRequest.newBuilder().setName("nope").build()).getReady()).isFalse();
    }

    @Test
    void modelMetadataDescribesOneTensorPerColumnAndTheOutputs() {
        ModelMetadataResponse price = oip().modelMetadata(ModelMetadataRequest.newBuilder().setName("price").build());

        assertThat(price.getName()).isEqualTo("price");
        assertThat(price.getVersionsList()).containsExactly("4");
        assertThat(price.getPlatform()).isEqualTo(OipService.PLATFORM);
        assertThat(price.getInputsList()).extracting(TensorMetadata::getName, TensorMetadata::getDatatype,
                TensorMetadata::getShapeList)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("x", "FP64", List.of(-1L)),
                        org.assertj.core.groups.Tuple.tuple("plan", "BYTES", List.of(-1L)));
        assertThat(price.getOutputsList()).extracting(TensorMetadata::getName, TensorMetadata::getDatatype,
                TensorMetadata::getShapeList)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("value", "FP64", List.of(-1L)));

        ModelMetadataResponse churn = oip().modelMetadata(ModelMetadataRequest.newBuilder().setName("churn").build());
        assertThat(churn.getInputsList()).extracting(TensorMetadata::getName).containsExactlyElementsOf(TestModels.NUMBERS);
        assertThat(churn.getInputsList()).allSatisfy(input -> {
            assertThat(input.getDatatype()).isEqualTo("FP64");
            assertThat(input.getShapeList()).containsExactly(-1L);
        });
        assertThat(churn.getOutputsList()).extracting(TensorMetadata::getName, TensorMetadata::getDatatype,
                TensorMetadata::getShapeList)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("label", "BYTES", List.of(-1L)),
                        org.assertj.core.groups.Tuple.tuple("scores", "FP64", List.of(-1L, 2L)));

        assertThatThrownBy(() -> oip().modelMetadata(ModelMetadataRequest.newBuilder().setName("nope").build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND))
                .hasMessageContaining("nope");
    }

    @Test
    void oneTensorPerColumnWithANumberAndATextColumn() {
        double[] xs = {0.5, 3.25, 9.0};
        String[] plans = {"pro", "basic", "enterprise"};
        ModelInferResponse response = oip().modelInfer(ModelInferRequest.newBuilder().setModelName("price").setId("req-7")
                .addInputs(fp64("x", xs))
                .addInputs(bytes("plan", plans))
                .build());

        assertThat(response.getId()).isEqualTo("req-7");
        assertThat(response.getModelName()).isEqualTo("price");
        assertThat(response.getModelVersion()).isEqualTo("4");
        assertThat(response.getParametersMap().get("model_version").getInt64Param()).isEqualTo(4);
        assertThat(response.getParametersMap().get("deployment").getStringParam()).isEqualTo("price");
        assertThat(response.getParametersMap().get("model").getStringParam()).isEqualTo("price-model");
        assertThat(predictionIds(response)).hasSize(3).doesNotHaveDuplicates();
        InferOutputTensor value = response.getOutputs(0);
        for (int r = 0; r < xs.length; r++) {
            PredictionId id = PredictionId.parse(predictionIds(response).get(r));
            assertThat(id.deployment()).isEqualTo("price");
            assertThat(id.version()).isEqualTo(4);
            assertThat(id.answer()).isEqualTo(new PredictionId.Value(value.getContents().getFp64Contents(r)));
            assertThat(id.at()).isBetween(Instant.now().minusSeconds(60), Instant.now());
        }
        assertThat(value.getName()).isEqualTo("value");
        assertThat(value.getDatatype()).isEqualTo("FP64");
        assertThat(value.getShapeList()).containsExactly(3L);
        for (int r = 0; r < xs.length; r++) {
            assertThat(value.getContents().getFp64Contents(r)).isCloseTo(tribuoPrice(xs[r], plans[r]), within(1e-6));
        }
    }

    @Test
    void answeredRowsAreProfiledAsTheirVersions() {
        long before = profiledRows("price");

        oip().modelInfer(ModelInferRequest.newBuilder().setModelName("price")
                .addInputs(fp64("x", 1.0, 2.0, 4.0)).addInputs(bytes("plan", "pro", "pro", "basic")).build());

        ServingFixture.await("3 more price rows profiled", () -> profiledRows("price") == before + 3);
    }

    private static long profiledRows(String deployment) {
        fixture.server.liveProfiles().awaitFolded(java.time.Duration.ofSeconds(5));
        return fixture.server.liveProfiles().pending().stream()
                .filter(w -> w.deployment().equals(deployment) && w.version() == 4)
                .mapToLong(w -> w.rows()).sum();
    }

    @Test
    void numberColumnsMayBeInt64OrFp32() {
        ModelInferResponse asInt64 = oip().modelInfer(ModelInferRequest.newBuilder().setModelName("price")
                .addInputs(InferInputTensor.newBuilder().setName("x").setDatatype("INT64").addShape(2)
                        .setContents(InferTensorContents.newBuilder().addInt64Contents(2).addInt64Contents(7)))
                .addInputs(bytes("plan", "basic", "pro"))
                .build());
        ModelInferResponse asFp32 = oip().modelInfer(ModelInferRequest.newBuilder().setModelName("price")
                .addInputs(InferInputTensor.newBuilder().setName("x").setDatatype("FP32").addShape(2).addShape(1)
                        .setContents(InferTensorContents.newBuilder().addFp32Contents(2.5f).addFp32Contents(7.25f)))
                .addInputs(bytes("plan", "basic", "pro"))
                .build());

        assertThat(asInt64.getOutputs(0).getContents().getFp64Contents(0)).isCloseTo(tribuoPrice(2, "basic"), within(1e-6));
        assertThat(asInt64.getOutputs(0).getContents().getFp64Contents(1)).isCloseTo(tribuoPrice(7, "pro"), within(1e-6));
        assertThat(asFp32.getOutputs(0).getContents().getFp64Contents(0)).isCloseTo(tribuoPrice(2.5, "basic"), within(1e-6));
        assertThat(asFp32.getOutputs(0).getContents().getFp64Contents(1)).isCloseTo(tribuoPrice(7.25, "pro"), within(1e-6));
    }

    @Test
    void oneMatrixTensorForAnAllNumberModel() {
        List<double[]> rows = rows(5, 11);
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        rows.forEach(row -> Arrays.stream(row).forEach(contents::addFp64Contents));
        ModelInferResponse response = oip().modelInfer(ModelInferRequest.newBuilder().setModelName("churn").setId("m-1")
                .addInputs(InferInputTensor.newBuilder().setName("input").setDatatype("FP64").addShape(5).addShape(20)
                        .setContents(contents))
                .build());

        assertThat(response.getId()).isEqualTo("m-1");
        assertClassifications(response, rows);
    }

    @Test
    void oneTensorPerColumnForAnAllNumberModel() {
        List<double[]> rows = rows(3, 12);
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("churn");
        for (int c = 0; c < 20; c++) {
            int column = c;
            request.addInputs(fp64(TestModels.NUMBERS.get(c), rows.stream().mapToDouble(r -> r[column]).toArray()));
        }
        assertClassifications(oip().modelInfer(request.build()), rows);
    }

    @Test
    void rawContentsAreReadLittleEndianAndAnsweredRaw() {
        double[] xs = {1.5, 4.0};
        String[] plans = {"pro", "basic"};
        ByteBuffer numbers = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(xs[0]).putDouble(xs[1]);
        ByteString.Output texts = ByteString.newOutput();
        for (String plan : plans) {
            byte[] utf8 = plan.getBytes(StandardCharsets.UTF_8);
            texts.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array(), 0, 4);
            texts.write(utf8, 0, utf8.length);
        }
        ModelInferResponse price = oip().modelInfer(ModelInferRequest.newBuilder().setModelName("price")
                .addInputs(InferInputTensor.newBuilder().setName("x").setDatatype("FP64").addShape(2))
                .addInputs(InferInputTensor.newBuilder().setName("plan").setDatatype("BYTES").addShape(2))
                .addRawInputContents(ByteString.copyFrom(numbers.array()))
                .addRawInputContents(texts.toByteString())
                .build());

        assertThat(price.getRawOutputContentsCount()).isEqualTo(1);
        ByteBuffer values = price.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(values.getDouble()).isCloseTo(tribuoPrice(xs[0], plans[0]), within(1e-6));
        assertThat(values.getDouble()).isCloseTo(tribuoPrice(xs[1], plans[1]), within(1e-6));

        List<double[]> rows = rows(2, 13);
        ByteBuffer matrix = ByteBuffer.allocate(2 * 20 * 8).order(ByteOrder.LITTLE_ENDIAN);
        rows.forEach(row -> Arrays.stream(row).forEach(matrix::putDouble));
        ModelInferResponse churn = oip().modelInfer(ModelInferRequest.newBuilder().setModelName("churn")
                .addInputs(InferInputTensor.newBuilder().setName("input").setDatatype("FP64").addShape(2).addShape(20))
                .addRawInputContents(ByteString.copyFrom(matrix.array()))
                .build());
        assertThat(churn.getOutputsList()).extracting(InferOutputTensor::getName).containsExactly("label", "scores");
        ByteBuffer labels = churn.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer scores = churn.getRawOutputContents(1).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (double[] row : rows) {
            Prediction<Label> expected = tribuoChurn(row);
            byte[] label = new byte[labels.getInt()];
            labels.get(label);
            assertThat(new String(label, StandardCharsets.UTF_8)).isEqualTo(expected.getOutput().getLabel());
            assertThat(scores.getDouble()).isCloseTo(expected.getOutputScores().get("no").getScore(), within(1e-6));
            assertThat(scores.getDouble()).isCloseTo(expected.getOutputScores().get("yes").getScore(), within(1e-6));
        }
    }

    @Test
    void anUnknownModelIsNotFound() {
        assertThatThrownBy(() -> oip().modelInfer(ModelInferRequest.newBuilder().setModelName("nope")
                .addInputs(fp64("x", 1.0)).build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND))
                .hasMessageContaining("nope");
    }

    @Test
    void aMissingInputIsInvalidAndNamed() {
        assertInvalid(ModelInferRequest.newBuilder().setModelName("price").addInputs(fp64("x", 1.0)), "plan");
    }

    @Test
    void aWrongDatatypeIsInvalidAndNamed() {
        assertInvalid(ModelInferRequest.newBuilder().setModelName("price").addInputs(bytes("x", "one"))
                .addInputs(bytes("plan", "pro")), "x");
        assertInvalid(ModelInferRequest.newBuilder().setModelName("price").addInputs(fp64("x", 1.0))
                .addInputs(fp64("plan", 2.0)), "plan");
    }

    @Test
    void aWrongShapeIsInvalidAndNamed() {
        assertInvalid(ModelInferRequest.newBuilder().setModelName("price")
                .addInputs(InferInputTensor.newBuilder().setName("x").setDatatype("FP64").addShape(1).addShape(2)
                        .setContents(InferTensorContents.newBuilder().addFp64Contents(1).addFp64Contents(2)))
                .addInputs(bytes("plan", "pro")), "x");
        assertInvalid(ModelInferRequest.newBuilder().setModelName("price")
                .addInputs(InferInputTensor.newBuilder().setName("x").setDatatype("FP64").addShape(3)
                        .setContents(InferTensorContents.newBuilder().addFp64Contents(1)))
                .addInputs(bytes("plan", "pro", "pro", "pro")), "x");
        assertInvalid(ModelInferRequest.newBuilder().setModelName("churn")
                .addInputs(InferInputTensor.newBuilder().setName("input").setDatatype("FP64").addShape(1).addShape(19)
                        .setContents(InferTensorContents.newBuilder().addAllFp64Contents(
                                Arrays.stream(new double[19]).boxed().toList()))), "input");
    }

    @Test
    void shapesThatPromiseMoreThanTheRequestHoldsAndBytesThatAreNotTextAreRefusedNotAllocated() {
        // [2^31 - 1] rows with one value: refused before a row is allocated.
        assertInvalid(ModelInferRequest.newBuilder().setModelName("price")
                .addInputs(InferInputTensor.newBuilder().setName("x").setDatatype("FP64").addShape(Integer.MAX_VALUE)
                        .setContents(InferTensorContents.newBuilder().addFp64Contents(1)))
                .addInputs(bytes("plan", "pro")), "x");
        // 2^30 FP32 elements need 2^32 raw bytes, which wraps to 0 in int arithmetic: an empty raw content must not pass.
        assertInvalid(ModelInferRequest.newBuilder().setModelName("price")
                .addInputs(InferInputTensor.newBuilder().setName("x").setDatatype("FP32").addShape(1 << 30))
                .addInputs(InferInputTensor.newBuilder().setName("plan").setDatatype("BYTES").addShape(1 << 30))
                .addRawInputContents(ByteString.EMPTY).addRawInputContents(ByteString.EMPTY), "x");
        assertInvalid(ModelInferRequest.newBuilder().setModelName("price").addInputs(fp64("x", 1))
                .addInputs(InferInputTensor.newBuilder().setName("plan").setDatatype("BYTES").addShape(1)
                        .setContents(InferTensorContents.newBuilder().addBytesContents(ByteString.copyFrom(new byte[] {(byte) 0xc3, 0x28})))),
                "plan");
    }

    private static void assertInvalid(ModelInferRequest.Builder request, String input) {
        assertThatThrownBy(() -> oip().modelInfer(request.build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("'" + input + "'");
    }

    private static void assertClassifications(ModelInferResponse response, List<double[]> rows) {
        assertThat(response.getModelVersion()).isEqualTo("1");
        assertThat(response.getParametersMap().get("model_version").getInt64Param()).isEqualTo(1);
        assertThat(predictionIds(response)).hasSize(rows.size()).doesNotHaveDuplicates();
        InferOutputTensor label = response.getOutputs(0);
        InferOutputTensor scores = response.getOutputs(1);
        assertThat(label.getName()).isEqualTo("label");
        assertThat(label.getShapeList()).containsExactly((long) rows.size());
        assertThat(scores.getName()).isEqualTo("scores");
        assertThat(scores.getShapeList()).containsExactly((long) rows.size(), 2L);
        for (int r = 0; r < rows.size(); r++) {
            Prediction<Label> expected = tribuoChurn(rows.get(r));
            assertThat(label.getContents().getBytesContents(r).toStringUtf8()).isEqualTo(expected.getOutput().getLabel());
            PredictionId id = PredictionId.parse(predictionIds(response).get(r));
            assertThat(id.deployment()).isEqualTo("churn");
            assertThat(id.version()).isEqualTo(1);
            assertThat(id.answer()).isEqualTo(new PredictionId.Label(expected.getOutput().getLabel()));
            // Scores follow the class names in sorted order: "no", "yes".
            assertThat(scores.getContents().getFp64Contents(2 * r))
                    .isCloseTo(expected.getOutputScores().get("no").getScore(), within(1e-6));
            assertThat(scores.getContents().getFp64Contents(2 * r + 1))
                    .isCloseTo(expected.getOutputScores().get("yes").getScore(), within(1e-6));
        }
    }

    private static List<String> predictionIds(ModelInferResponse response) {
        return List.of(response.getParametersMap().get("prediction_ids").getStringParam().split(","));
    }

    private static List<double[]> rows(int count, long seed) {
        Random random = new Random(seed);
        List<double[]> rows = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            Map<String, FeatureValue> row = TestModels.row(random);
            rows.add(TestModels.NUMBERS.stream().mapToDouble(name -> row.get(name).getNumber()).toArray());
        }
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static Prediction<Label> tribuoChurn(double[] row) {
        Map<String, Double> numbers = new java.util.LinkedHashMap<>();
        for (int c = 0; c < row.length; c++) {
            numbers.put(TestModels.NUMBERS.get(c), row[c]);
        }
        return TestModels.tribuo((Model<Label>) classifier.model(), numbers);
    }

    /** Tribuo's own prediction for the price model, the row one-hot encoded as training encoded it. */
    @SuppressWarnings("unchecked")
    private static double tribuoPrice(double x, String plan) {
        Model<Regressor> model = (Model<Regressor>) regression.model();
        ArrayExample<Regressor> example = new ArrayExample<>(new Regressor("y", Double.NaN),
                new String[] {"x", InputSchema.featureName("plan", plan)}, new double[] {x, 1});
        return model.predict(example).getOutput().getValues()[0];
    }

    private static InferInputTensor.Builder fp64(String name, double... values) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        Arrays.stream(values).forEach(contents::addFp64Contents);
        return InferInputTensor.newBuilder().setName(name).setDatatype("FP64").addShape(values.length).setContents(contents);
    }

    private static InferInputTensor.Builder bytes(String name, String... values) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        Arrays.stream(values).forEach(v -> contents.addBytesContents(ByteString.copyFromUtf8(v)));
        return InferInputTensor.newBuilder().setName(name).setDatatype("BYTES").addShape(values.length).setContents(contents);
    }
}
