package dev.lodestar.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lodestar.deploy.model.PredictionId;
import dev.lodestar.drift.sketch.ColumnKind;
import dev.lodestar.drift.sketch.ColumnProfile;
import dev.lodestar.drift.sketch.ProfileColumn;
import dev.lodestar.inference.drift.LiveProfiles;
import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.inference.v1.FeedbackRequest;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.Outcome;
import dev.lodestar.inference.v1.PredictBatchRequest;
import dev.lodestar.inference.v1.PredictBatchResponse;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.inference.v1.PredictResponse;
import dev.lodestar.inference.v1.Row;
import io.grpc.Status;

/**
 * Live profiles over a real socket: rows scored by each version (primary, canary, and the shadow as its own version)
 * land in their window's profiles with the values sent and the answers given; a stalled fold thread never holds up a
 * predict (rows are dropped and counted instead); {@code Feedback} checks its outcomes. Time is a manual clock, so the
 * windows rows fall in are known.
 */
class LiveProfilesTest {

    /** A window start: whole minutes, as the one-minute windows here are aligned. */
    static final Instant WINDOW = Instant.parse("2026-11-23T09:05:00Z");

    @TempDir
    static Path directory;
    static ServingFixture fixture;
    static ServingFixture.ManualClock clock = new ServingFixture.ManualClock(WINDOW.plusSeconds(1));

    @BeforeAll
    static void start() {
        TestModels.Artifact v1 = TestModels.write(TestModels.classifier(1), directory.resolve("churn-v1.model"));
        TestModels.Artifact v2 = TestModels.write(TestModels.classifier(2), directory.resolve("churn-v2.model"));
        TestModels.Artifact v3 = TestModels.write(TestModels.classifier(3), directory.resolve("churn-v3.model"));
        TestModels.Artifact price = TestModels.write(TestModels.regression(5), directory.resolve("price-v4.model"));
        fixture = ServingFixture.start(directory.resolve("server"), TestModels.merge(1,
                TestModels.state(1, "churn", 1, v1, 2, v2, 50, 3, v3),
                TestModels.state(1, "price", 4, price, null, null, null, null, null)),
                config -> config.withDrift(config.drift().withWindow(Duration.ofMinutes(1))), clock);
        ServingFixture.await("churn and price ready", () -> fixture.server.serving().deployments().size() == 2
                && fixture.server.serving().deployments().stream().allMatch(d -> d.route() != null
                        && (!d.name().equals("churn") || d.route().shadow() != null)));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    /** What was sent to and answered by one version in one window. */
    static final class Sent {
        final List<Double> f00 = new ArrayList<>();
        final Map<String, Long> labels = new TreeMap<>();

        void add(Map<String, FeatureValue> row, String label) {
            f00.add(row.get("f00").getNumber());
            labels.merge(label, 1L, Long::sum);
        }
    }

    @Test
    void eachVersionsRowsLandInTheirWindowWithTheValuesSentAndTheAnswersGiven() {
        Random random = new Random(21);
        Map<String, Sent> sent = new HashMap<>();
        Sent shadowFirst = new Sent();
        int firstWindowRows = 0;

        for (int i = 0; i < 60; i++) {
            Map<String, FeatureValue> row = TestModels.row(random);
            PredictResponse answer = fixture.inference().predict(PredictRequest.newBuilder().setDeployment("churn")
                    .setRoutingKey("caller-" + i).putAllFeatures(row).build());
            assertThat(PredictionId.parse(answer.getPredictionId()).at()).isEqualTo(WINDOW.plusSeconds(1));
            sent.computeIfAbsent(answer.getModelVersion() + "@0", k -> new Sent()).add(row, answer.getClassification().getLabel());
            shadowFirst.f00.add(row.get("f00").getNumber());
            firstWindowRows++;
        }
        for (String key : List.of("batch-a", "batch-b")) {
            List<Map<String, FeatureValue>> rows = new ArrayList<>();
            PredictBatchRequest.Builder batch = PredictBatchRequest.newBuilder().setDeployment("churn").setRoutingKey(key);
            for (int i = 0; i < 40; i++) {
                rows.add(TestModels.row(random));
                batch.addRows(Row.newBuilder().putAllFeatures(rows.get(i)));
            }
            PredictBatchResponse answers = fixture.inference().predictBatch(batch.build());
            for (int i = 0; i < rows.size(); i++) {
                PredictResponse answer = answers.getPredictions(i);
                sent.computeIfAbsent(answer.getModelVersion() + "@0", k -> new Sent())
                        .add(rows.get(i), answer.getClassification().getLabel());
                shadowFirst.f00.add(rows.get(i).get("f00").getNumber());
                firstWindowRows++;
            }
        }
        List<Double> prices = new ArrayList<>();
        Map<String, Long> plans = new TreeMap<>();
        for (int i = 0; i < 12; i++) {
            String plan = i % 3 == 0 ? "pro" : "basic";
            PredictResponse answer = fixture.inference().predict(PredictRequest.newBuilder().setDeployment("price")
                    .putFeatures("x", FeatureValue.newBuilder().setNumber(i * 0.5).build())
                    .putFeatures("plan", FeatureValue.newBuilder().setText(plan).build()).build());
            prices.add(answer.getRegression());
            plans.merge(plan, 1L, Long::sum);
        }

        clock.set(WINDOW.plusSeconds(61));
        int secondWindowRows = 0;
        for (int i = 0; i < 25; i++) {
            Map<String, FeatureValue> row = TestModels.row(random);
            PredictResponse answer = fixture.inference().predict(PredictRequest.newBuilder().setDeployment("churn")
                    .setRoutingKey("caller-" + i).putAllFeatures(row).build());
            sent.computeIfAbsent(answer.getModelVersion() + "@1", k -> new Sent()).add(row, answer.getClassification().getLabel());
            secondWindowRows++;
        }
        assertThat(sent.keySet()).contains("1@0", "2@0", "1@1", "2@1");

        LiveProfiles profiles = fixture.server.liveProfiles();
        int expectedShadowRows = firstWindowRows + secondWindowRows;
        ServingFixture.await("every row profiled, the shadow's too", () -> profiles.awaitFolded(Duration.ofSeconds(1))
                && profiles.pending().stream().filter(w -> w.version() == 3).mapToLong(LiveProfiles.WindowSnapshot::rows)
                        .sum() == expectedShadowRows);
        Map<String, LiveProfiles.WindowSnapshot> windows = new HashMap<>();
        for (LiveProfiles.WindowSnapshot window : profiles.pending()) {
            String at = window.start().equals(WINDOW) ? "0" : window.start().equals(WINDOW.plusSeconds(60)) ? "1" : "?";
            assertThat(window.end()).isEqualTo(window.start().plusSeconds(60));
            assertThat(window.dropped()).isZero();
            assertThat(window.closed()).isFalse();
            windows.put(window.deployment() + ":" + window.version() + "@" + at, window);
        }

        sent.forEach((key, expected) -> {
            LiveProfiles.WindowSnapshot window = windows.get("churn:" + key);
            assertThat(window).as(key).isNotNull();
            assertThat(window.model()).isEqualTo("churn-model");
            assertThat(window.rows()).as(key).isEqualTo(expected.f00.size());
            assertThat(window.features().columns()).hasSize(20).allMatch(c -> c.kind() == ColumnKind.NUMBER)
                    .first().isEqualTo(new ProfileColumn("f00", ColumnKind.NUMBER));
            ColumnProfile f00 = window.features().column("f00");
            assertThat(f00.count()).isEqualTo(expected.f00.size());
            assertThat(f00.missing()).isZero();
            assertThat(f00.exactValues()).containsExactly(expected.f00.stream().mapToDouble(Double::doubleValue).sorted()
                    .toArray());
            assertThat(f00.quantile(0.5)).isBetween(f00.exactValues()[0], f00.exactValues()[f00.exactValues().length - 1]);
            assertThat(window.predictions().columns()).containsExactly(new ProfileColumn("prediction", ColumnKind.TEXT));
            assertThat(window.predictions().column("prediction").frequencies()).isEqualTo(expected.labels);
        });

        LiveProfiles.WindowSnapshot shadow = windows.get("churn:3@0");
        assertThat(shadow.rows()).isEqualTo(firstWindowRows);
        assertThat(shadow.features().column("f00").exactValues()).containsExactly(shadowFirst.f00.stream()
                .mapToDouble(Double::doubleValue).sorted().toArray());
        assertThat(shadow.predictions().column("prediction").frequencies().values().stream().mapToLong(Long::longValue)
                .sum()).isEqualTo(firstWindowRows);
        assertThat(windows.get("churn:3@1").rows()).isEqualTo(secondWindowRows);

        LiveProfiles.WindowSnapshot price = windows.get("price:4@0");
        assertThat(price.rows()).isEqualTo(12);
        assertThat(price.features().column("x").exactValues()).containsExactly(0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5);
        assertThat(price.features().column("plan").kind()).isEqualTo(ColumnKind.TEXT);
        assertThat(price.features().column("plan").frequencies()).isEqualTo(plans);
        assertThat(price.predictions().column("prediction").kind()).isEqualTo(ColumnKind.NUMBER);
        assertThat(price.predictions().column("prediction").exactValues()).containsExactly(prices.stream()
                .mapToDouble(Double::doubleValue).sorted().toArray());
    }

    @Test
    void aStalledFoldThreadNeverHoldsUpAPredictRowsAreDroppedAndCounted() throws Exception {
        TestModels.Artifact v1 = TestModels.write(TestModels.classifier(1), directory.resolve("stall-v1.model"));
        ServingFixture.ManualClock stallClock = new ServingFixture.ManualClock(WINDOW.plusSeconds(5));
        try (ServingFixture small = ServingFixture.start(directory.resolve("stall"),
                TestModels.state(1, "stall", 1, v1, null, null, null, null, null),
                config -> config.withDrift(config.drift().withWindow(Duration.ofMinutes(1)).withBufferRows(100)),
                stallClock)) {
            ServingFixture.await("stall ready", () -> small.server.serving().deployment("stall") != null
                    && small.server.serving().deployment("stall").route() != null);
            LiveProfiles profiles = small.server.liveProfiles();
            Random random = new Random(5);

            try (AutoCloseable held = profiles.holdFolding()) {
                InferenceGrpc.InferenceBlockingStub stub = InferenceGrpc.newBlockingStub(small.channel);
                for (int i = 0; i < 300; i++) {
                    stub.withDeadlineAfter(2, TimeUnit.SECONDS).predict(PredictRequest.newBuilder().setDeployment("stall")
                            .putAllFeatures(TestModels.row(random)).build());
                }
                PredictBatchRequest.Builder batch = PredictBatchRequest.newBuilder().setDeployment("stall");
                for (int i = 0; i < 50; i++) {
                    batch.addRows(Row.newBuilder().putAllFeatures(TestModels.row(random)));
                }
                assertThat(stub.withDeadlineAfter(2, TimeUnit.SECONDS).predictBatch(batch.build()).getPredictionsCount())
                        .isEqualTo(50);
                assertThat(profiles.pendingRows()).isEqualTo(100);
            }

            assertThat(profiles.awaitFolded(Duration.ofSeconds(10))).isTrue();
            List<LiveProfiles.WindowSnapshot> windows = profiles.pending();
            assertThat(windows).hasSize(1);
            assertThat(windows.get(0).rows()).isEqualTo(100);
            assertThat(windows.get(0).dropped()).isEqualTo(250);
            assertThat(windows.get(0).features().rows()).isEqualTo(100);
            assertThat(small.metrics()).contains("lodestar_drift_rows_dropped_total 250.0");
        }
    }

    @Test
    void feedbackNamesTheFirstBadOutcome() {
        String label = new PredictionId("churn", 1, WINDOW, new PredictionId.Label("yes"), "abc-1").toString();
        String value = new PredictionId("price", 4, WINDOW, new PredictionId.Value(12.5), "abc-2").toString();

        assertThatThrownBy(() -> fixture.inference().feedback(FeedbackRequest.newBuilder()
                .addOutcomes(outcome(label, "no")).addOutcomes(outcome("churn.1.nope", "yes")).build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("outcome 1").hasMessageContaining("churn.1.nope");
        assertThatThrownBy(() -> fixture.inference().feedback(FeedbackRequest.newBuilder()
                .addOutcomes(outcome(value, "12.0")).addOutcomes(outcome(value, "twelve")).build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("outcome 1").hasMessageContaining("'twelve'");
        assertThatThrownBy(() -> fixture.inference().feedback(FeedbackRequest.newBuilder()
                .addOutcomes(outcome(label, "")).build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("outcome 0").hasMessageContaining("required");

        // Valid outcomes, but this server (desired state from a file, no control plane) ships nothing.
        assertThatThrownBy(() -> fixture.inference().feedback(FeedbackRequest.newBuilder()
                .addOutcomes(outcome(label, "no")).addOutcomes(outcome(value, "-3.5e1")).build()))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }

    static Outcome outcome(String predictionId, String actual) {
        return Outcome.newBuilder().setPredictionId(predictionId).setActual(actual).build();
    }
}
