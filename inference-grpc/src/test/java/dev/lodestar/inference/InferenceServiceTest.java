package dev.lodestar.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

import dev.lodestar.deploy.model.PredictionId;
import dev.lodestar.inference.v1.DeploymentState;
import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.ListDeploymentsRequest;
import dev.lodestar.inference.v1.PredictBatchRequest;
import dev.lodestar.inference.v1.PredictBatchResponse;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.inference.v1.PredictResponse;
import dev.lodestar.inference.v1.Row;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/** {@code lodestar.inference.v1.Inference} over a real socket, answering with real Tribuo models. */
class InferenceServiceTest {

    @TempDir
    static Path directory;
    static ServingFixture fixture;
    static TestModels.Artifact classifier;

    @BeforeAll
    static void start() {
        classifier = TestModels.write(TestModels.classifier(1), directory.resolve("churn-v1.model"));
        fixture = ServingFixture.start(directory.resolve("server"),
                TestModels.state(1, "churn", 1, classifier, null, null, null, null, null), 1024);
        ServingFixture.await("churn ready", () -> fixture.server.serving().deployment("churn") != null
                && fixture.server.serving().deployment("churn").route() != null);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void predictAnswersWhatTheModelPredicts() {
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            Map<String, FeatureValue> row = TestModels.row(random);
            PredictResponse response = fixture.inference().predict(PredictRequest.newBuilder().setDeployment("churn")
                    .putAllFeatures(row).build());
            assertMatches(response, row);
        }
    }

    @Test
    void predictBatchAnswersEveryRowInOrder() {
        Random random = new Random(8);
        List<Map<String, FeatureValue>> rows = new ArrayList<>();
        PredictBatchRequest.Builder request = PredictBatchRequest.newBuilder().setDeployment("churn");
        for (int i = 0; i < 100; i++) {
            rows.add(TestModels.row(random));
            request.addRows(Row.newBuilder().putAllFeatures(rows.get(i)));
        }
        PredictBatchResponse response = fixture.inference().predictBatch(request.build());

        assertThat(response.getPredictionsCount()).isEqualTo(100);
        for (int i = 0; i < 100; i++) {
            assertMatches(response.getPredictions(i), rows.get(i));
        }
        assertThat(response.getPredictionsList().stream().map(PredictResponse::getPredictionId).distinct().count())
                .isEqualTo(100);
    }

    @Test
    void predictStreamAnswersEachBatchWithItsCorrelationId() throws Exception {
        Random random = new Random(9);
        List<PredictBatchResponse> answers = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<PredictBatchRequest> requests = InferenceGrpc.newStub(fixture.channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS).predictStream(new StreamObserver<>() {
                    @Override
                    public void onNext(PredictBatchResponse value) {
                        synchronized (answers) {
                            answers.add(value);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        List<List<Map<String, FeatureValue>>> sent = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            List<Map<String, FeatureValue>> batch = new ArrayList<>();
            PredictBatchRequest.Builder request = PredictBatchRequest.newBuilder().setDeployment("churn")
                    .setCorrelationId("batch-" + b);
            for (int r = 0; r <= b % 3; r++) {
                batch.add(TestModels.row(random));
                request.addRows(Row.newBuilder().putAllFeatures(batch.get(r)));
            }
            sent.add(batch);
            requests.onNext(request.build());
        }
        requests.onNext(PredictBatchRequest.newBuilder().setDeployment("nope").setCorrelationId("bad").build());
        requests.onCompleted();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(answers).hasSize(21);
        for (int b = 0; b < 20; b++) {
            PredictBatchResponse answer = answers.get(b);
            assertThat(answer.getCorrelationId()).isEqualTo("batch-" + b);
            for (int r = 0; r < sent.get(b).size(); r++) {
                assertMatches(answer.getPredictions(r), sent.get(b).get(r));
            }
        }
        assertThat(answers.get(20).getCorrelationId()).isEqualTo("bad");
        assertThat(answers.get(20).getError().getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
    }

    @Test
    void positionalRowsWithCompactAnswersMatchTheNamedForm() {
        Random random = new Random(10);
        List<String> columns = new ArrayList<>(TestModels.NUMBERS);
        java.util.Collections.reverse(columns);
        List<Map<String, FeatureValue>> rows = new ArrayList<>();
        PredictBatchRequest.Builder numbers = PredictBatchRequest.newBuilder().setDeployment("churn").addAllColumns(columns)
                .setCompact(true).setCorrelationId("c-1");
        PredictBatchRequest.Builder values = PredictBatchRequest.newBuilder().setDeployment("churn").addAllColumns(columns);
        for (int i = 0; i < 30; i++) {
            Map<String, FeatureValue> row = TestModels.row(random);
            rows.add(row);
            Row.Builder asNumbers = Row.newBuilder();
            Row.Builder asValues = Row.newBuilder();
            for (String column : columns) {
                asNumbers.addNumbers(row.get(column).getNumber());
                asValues.addValues(row.get(column));
            }
            numbers.addRows(asNumbers);
            values.addRows(asValues);
        }

        PredictBatchResponse compact = fixture.inference().predictBatch(numbers.build());
        assertThat(compact.getCorrelationId()).isEqualTo("c-1");
        assertThat(compact.getDeployment()).isEqualTo("churn");
        assertThat(compact.getModel()).isEqualTo("churn-model");
        assertThat(compact.getModelVersion()).isEqualTo(1);
        assertThat(compact.getClassesList()).containsExactly("no", "yes");
        assertThat(compact.getPredictionsCount()).isZero();
        assertThat(compact.getCompactCount()).isEqualTo(30);
        for (int i = 0; i < 30; i++) {
            @SuppressWarnings("unchecked")
            Prediction<Label> expected = TestModels.tribuo((Model<Label>) classifier.model(), TestModels.numbersOf(rows.get(i)));
            var answer = compact.getCompact(i);
            assertThat(compact.getClasses(answer.getLabelIndex())).isEqualTo(expected.getOutput().getLabel());
            assertThat(answer.getScores(0)).isCloseTo(expected.getOutputScores().get("no").getScore(), within(1e-6));
            assertThat(answer.getScores(1)).isCloseTo(expected.getOutputScores().get("yes").getScore(), within(1e-6));
            assertThat(PredictionId.parse(answer.getPredictionId())).satisfies(id -> {
                assertThat(id.deployment()).isEqualTo("churn");
                assertThat(id.version()).isEqualTo(1);
                assertThat(id.answer()).isEqualTo(new PredictionId.Label(expected.getOutput().getLabel()));
            });
        }
        assertThat(compact.getCompactList().stream().map(c -> c.getPredictionId()).distinct().count()).isEqualTo(30);

        PredictBatchResponse named = fixture.inference().predictBatch(values.build());
        for (int i = 0; i < 30; i++) {
            assertMatches(named.getPredictions(i), rows.get(i));
        }
    }

    @Test
    void positionalRowsAreRefusedNamingTheFeature() {
        Map<String, FeatureValue> row = TestModels.row(new Random(11));
        List<String> withoutOne = TestModels.NUMBERS.subList(0, 19);
        Row.Builder nineteen = Row.newBuilder();
        withoutOne.forEach(name -> nineteen.addNumbers(row.get(name).getNumber()));
        assertInvalid(PredictBatchRequest.newBuilder().setDeployment("churn").addAllColumns(withoutOne).addRows(nineteen),
                "f19");

        List<String> misspelt = new ArrayList<>(withoutOne);
        misspelt.add("f99");
        nineteen.addNumbers(1.0);
        assertInvalid(PredictBatchRequest.newBuilder().setDeployment("churn").addAllColumns(misspelt).addRows(nineteen),
                "f99");

        Row.Builder text = Row.newBuilder();
        TestModels.NUMBERS.forEach(name -> text.addValues(name.equals("f03")
                ? FeatureValue.newBuilder().setText("three").build() : row.get(name)));
        assertInvalid(PredictBatchRequest.newBuilder().setDeployment("churn").addAllColumns(TestModels.NUMBERS)
                .addRows(Row.newBuilder().addAllNumbers(java.util.Collections.nCopies(20, 1.0))).addRows(text), "f03");

        Row.Builder infinite = Row.newBuilder().addAllNumbers(java.util.Collections.nCopies(20, 1.0)).setNumbers(7,
                Double.POSITIVE_INFINITY);
        assertInvalid(PredictBatchRequest.newBuilder().setDeployment("churn").addAllColumns(TestModels.NUMBERS)
                .addRows(infinite), "f07");
    }

    private static void assertInvalid(PredictBatchRequest.Builder request, String feature) {
        assertThatThrownBy(() -> fixture.inference().predictBatch(request.build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("'" + feature + "'");
    }

    @Test
    void missingOrMistypedFeaturesAreInvalidArgumentsNamingTheFeature() {
        Map<String, FeatureValue> row = new java.util.HashMap<>(TestModels.row(new Random(1)));
        row.remove("f07");
        assertThatThrownBy(() -> fixture.inference().predict(PredictRequest.newBuilder().setDeployment("churn")
                .putAllFeatures(row).build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("f07");

        row.put("f07", FeatureValue.newBuilder().setText("seven").build());
        assertThatThrownBy(() -> fixture.inference().predict(PredictRequest.newBuilder().setDeployment("churn")
                .putAllFeatures(row).build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("f07");

        PredictBatchRequest.Builder batch = PredictBatchRequest.newBuilder().setDeployment("churn")
                .addRows(Row.newBuilder().putAllFeatures(TestModels.row(new Random(2))))
                .addRows(Row.newBuilder().putAllFeatures(row));
        assertThatThrownBy(() -> fixture.inference().predictBatch(batch.build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("row 1").hasMessageContaining("f07");
    }

    @Test
    void anUnknownDeploymentIsNotFound() {
        assertThatThrownBy(() -> fixture.inference().predict(PredictRequest.newBuilder().setDeployment("nope").build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND))
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> fixture.inference().predictBatch(PredictBatchRequest.newBuilder().setDeployment("nope").build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void aBatchIsNotScoredPastItsDeadline() {
        PredictBatchRequest.Builder request = PredictBatchRequest.newBuilder().setDeployment("churn");
        Row row = Row.newBuilder().putAllFeatures(TestModels.row(new Random(3))).build();
        for (int i = 0; i < 100_000; i++) {
            request.addRows(row);
        }
        PredictBatchRequest big = request.build();
        long before = predictions();

        assertThatThrownBy(() -> InferenceGrpc.newBlockingStub(fixture.channel).withDeadlineAfter(30, TimeUnit.MILLISECONDS)
                .predictBatch(big))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        ServingFixture.await("the server to stop scoring", () -> fixture.server.serving().deployment("churn").route()
                .primary().inFlight() == 0);
        assertThat(predictions() - before).as("rows scored for the expired batch").isLessThan(100_000);
    }

    @Test
    void listDeploymentsShowsTheLiveState() {
        DeploymentState churn = fixture.inference().listDeployments(ListDeploymentsRequest.getDefaultInstance())
                .getDeploymentsList().stream().filter(d -> d.getName().equals("churn")).findFirst().orElseThrow();

        assertThat(churn.getModel()).isEqualTo("churn-model");
        assertThat(churn.getModelVersion()).isEqualTo(1);
        assertThat(churn.getState()).isEqualTo(DeploymentState.State.READY);
        assertThat(churn.getVersions(0).getRole().name()).isEqualTo("PRIMARY");
        assertThat(churn.getVersions(0).getLoadMillis()).isPositive();
    }

    @Test
    void metricsArePublishedPerDeploymentAndVersion() {
        fixture.inference().predict(PredictRequest.newBuilder().setDeployment("churn")
                .putAllFeatures(TestModels.row(new Random(4))).build());
        String metrics = fixture.metrics();

        assertThat(metrics).contains("lodestar_serving_requests_total{deployment=\"churn\",version=\"1\"}")
                .contains("lodestar_serving_latency_seconds_bucket{deployment=\"churn\",version=\"1\"")
                .contains("lodestar_serving_in_flight{deployment=\"churn\",version=\"1\"}")
                .contains("lodestar_serving_model_load_seconds{deployment=\"churn\",version=\"1\"}")
                .contains("lodestar_serving_swaps_total{deployment=\"churn\"}");
    }

    private static long predictions() {
        return fixture.server.serving().deployment("churn").route().primary().predictions();
    }

    @SuppressWarnings("unchecked")
    static void assertMatches(PredictResponse response, Map<String, FeatureValue> row) {
        Prediction<Label> expected = TestModels.tribuo((Model<Label>) classifier.model(), TestModels.numbersOf(row));
        assertThat(response.getDeployment()).isEqualTo("churn");
        assertThat(response.getModel()).isEqualTo("churn-model");
        assertThat(response.getModelVersion()).isEqualTo(1);
        PredictionId id = PredictionId.parse(response.getPredictionId());
        assertThat(id.deployment()).isEqualTo("churn");
        assertThat(id.version()).isEqualTo(1);
        assertThat(id.answer()).isEqualTo(new PredictionId.Label(expected.getOutput().getLabel()));
        assertThat(id.at()).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(id.unique()).matches("[a-z0-9]+-[a-z0-9]+-[a-z0-9]+");
        assertThat(response.getClassification().getLabel()).isEqualTo(expected.getOutput().getLabel());
        expected.getOutputScores().forEach((label, score) ->
                assertThat(response.getClassification().getScoresMap().get(label)).isCloseTo(score.getScore(), within(1e-6)));
    }
}
