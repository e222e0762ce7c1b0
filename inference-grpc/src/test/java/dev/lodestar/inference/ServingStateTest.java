package dev.lodestar.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lodestar.inference.serving.Deployment;
import dev.lodestar.inference.serving.DesiredState;
import dev.lodestar.inference.serving.ReplicaReport;
import dev.lodestar.inference.v1.DeploymentState;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.ListDeploymentsRequest;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.inference.v1.PredictResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** Loading, swapping, splitting and mirroring, driven through the file source and observed over gRPC. */
class ServingStateTest {

    @TempDir
    Path directory;

    @Test
    void anArtifactWhoseDigestDiffersIsRefusedReportedAndTheOldVersionKeepsServing() {
        var v1 = TestModels.write(TestModels.classifier(1), directory.resolve("v1.model"));
        var v2 = TestModels.write(TestModels.classifier(2), directory.resolve("v2.model"));
        try (ServingFixture fixture = ServingFixture.start(directory.resolve("server"),
                TestModels.state(1, "churn", 1, v1, null, null, null, null, null), 1024)) {
            awaitPrimary(fixture, 1);
            var forged = new TestModels.Artifact(v2.path(), "ab".repeat(32), v2.model());
            fixture.write(TestModels.state(2, "churn", 2, forged, null, null, null, null, null));
            ServingFixture.await("the failure", () -> fixture.server.serving().deployment("churn").versions().stream()
                    .anyMatch(v -> v.state() == Deployment.State.FAILED));

            assertThat(predict(fixture, "churn", "").getModelVersion()).isEqualTo(1);
            DeploymentState churn = fixture.inference().listDeployments(ListDeploymentsRequest.getDefaultInstance())
                    .getDeployments(0);
            assertThat(churn.getVersionsList()).anySatisfy(v -> {
                assertThat(v.getVersion()).isEqualTo(2);
                assertThat(v.getState()).isEqualTo(DeploymentState.State.FAILED);
                assertThat(v.getError()).contains("SHA-256 mismatch");
            });
            ReplicaReport report = ReplicaReport.of("here", fixture.server.serving());
            assertThat(report.deployments().get(0).versions()).anySatisfy(v -> {
                assertThat(v.version()).isEqualTo(2);
                assertThat(v.state()).isEqualTo("FAILED");
                assertThat(v.error()).contains("SHA-256 mismatch");
            });
        }
    }

    @Test
    void versionsSwapUnderConcurrentLoadWithoutAFailedRequest() throws Exception {
        var v1 = TestModels.write(TestModels.classifier(1), directory.resolve("v1.model"));
        var v2 = TestModels.write(TestModels.classifier(2), directory.resolve("v2.model"));
        try (ServingFixture fixture = ServingFixture.start(directory.resolve("server"),
                TestModels.state(1, "churn", 1, v1, null, null, null, null, null), 1024)) {
            awaitPrimary(fixture, 1);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            Thread[] callers = new Thread[4];
            for (int t = 0; t < callers.length; t++) {
                callers[t] = new Thread(() -> {
                    Random random = new Random();
                    while (running.get()) {
                        try {
                            fixture.inference().predict(PredictRequest.newBuilder().setDeployment("churn")
                                    .putAllFeatures(TestModels.row(random)).build());
                            ok.incrementAndGet();
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                        }
                    }
                });
                callers[t].start();
            }
            for (int swap = 0; swap < 10; swap++) {
                int version = swap % 2 == 0 ? 2 : 1;
                fixture.server.serving().apply(DesiredState.parse(TestModels.state(10 + swap, "churn", version,
                        version == 2 ? v2 : v1, null, null, null, null, null).getBytes()));
                Thread.sleep(50);
            }
            running.set(false);
            for (Thread caller : callers) {
                caller.join();
            }
            assertThat(failed.get()).isZero();
            assertThat(ok.get()).isPositive();
            assertThat(fixture.server.serving().deployment("churn").route().primary().version()).isEqualTo(1);
            ServingFixture.await("old versions released", () -> fixture.server.serving().deployment("churn").versions().size() == 1);
        }
    }

    @Test
    void aCanaryTakesItsShareAndARoutingKeyAlwaysLandsOnTheSameSide() {
        var v1 = TestModels.write(TestModels.classifier(1), directory.resolve("v1.model"));
        var v2 = TestModels.write(TestModels.classifier(2), directory.resolve("v2.model"));
        try (ServingFixture fixture = ServingFixture.start(directory.resolve("server"),
                TestModels.state(1, "churn", 1, v1, 2, v2, 20, null, null), 1024)) {
            ServingFixture.await("canary", () -> fixture.server.serving().deployment("churn") != null
                    && fixture.server.serving().deployment("churn").route() != null
                    && fixture.server.serving().deployment("churn").route().canary() != null);
            int canary = 0;
            for (int i = 0; i < 2000; i++) {
                canary += predict(fixture, "churn", "").getModelVersion() == 2 ? 1 : 0;
            }
            assertThat(canary).isBetween(300, 500);

            Map<String, Integer> sides = new HashMap<>();
            int keyedCanary = 0;
            for (int k = 0; k < 500; k++) {
                int version = predict(fixture, "churn", "customer-" + k).getModelVersion();
                sides.put("customer-" + k, version);
                keyedCanary += version == 2 ? 1 : 0;
            }
            assertThat(keyedCanary).isBetween(60, 140);
            for (int repeat = 0; repeat < 3; repeat++) {
                sides.forEach((key, version) -> assertThat(predict(fixture, "churn", key).getModelVersion()).isEqualTo(version));
            }
        }
    }

    @Test
    void aShadowScoresACopyThatIsRecordedButNeverReturned() {
        var v1 = TestModels.write(TestModels.classifier(1), directory.resolve("v1.model"));
        var v3 = TestModels.write(TestModels.classifier(3), directory.resolve("v3.model"));
        try (ServingFixture fixture = ServingFixture.start(directory.resolve("server"),
                TestModels.state(1, "churn", 1, v1, null, null, null, 3, v3), 1024)) {
            ServingFixture.await("shadow", () -> fixture.server.serving().deployment("churn") != null
                    && fixture.server.serving().deployment("churn").route() != null
                    && fixture.server.serving().deployment("churn").route().shadow() != null);
            for (int i = 0; i < 200; i++) {
                assertThat(predict(fixture, "churn", "").getModelVersion()).isEqualTo(1);
            }
            ServingFixture.await("shadow answers recorded", () -> fixture.metrics()
                    .contains("lodestar_serving_shadow_predictions_total{deployment=\"churn\",version=\"3\"} 200.0"));
            DeploymentState churn = fixture.inference().listDeployments(ListDeploymentsRequest.getDefaultInstance())
                    .getDeployments(0);
            assertThat(churn.getRecentShadowList()).isNotEmpty().allSatisfy(c -> {
                assertThat(c.getServedVersion()).isEqualTo(1);
                assertThat(c.getShadowVersion()).isEqualTo(3);
            });
            assertThat(fixture.metrics()).contains("lodestar_serving_shadow_disagreements_total{deployment=\"churn\",version=\"3\"}");
        }
    }

    @Test
    void aRestartedServerRestoresWhatItServedFromItsSource() {
        var v1 = TestModels.write(TestModels.classifier(1), directory.resolve("v1.model"));
        String state = TestModels.state(1, "churn", 1, v1, null, null, null, null, null);
        Path serverDirectory = directory.resolve("server");
        try (ServingFixture fixture = ServingFixture.start(serverDirectory, state, 1024)) {
            awaitPrimary(fixture, 1);
        }
        try (ServingFixture restarted = ServingFixture.start(serverDirectory, null, 1024)) {
            awaitPrimary(restarted, 1);
            assertThat(predict(restarted, "churn", "").getModelVersion()).isEqualTo(1);
            assertThat(serverDirectory.resolve("cache").resolve(v1.sha256() + ".model")).exists();
        }
    }

    @Test
    void callsBeyondTheInFlightLimitAreShedWithResourceExhausted() throws Exception {
        var v1 = TestModels.write(TestModels.classifier(1), directory.resolve("v1.model"));
        try (ServingFixture fixture = ServingFixture.start(directory.resolve("server"),
                TestModels.state(1, "churn", 1, v1, null, null, null, null, null), 1)) {
            awaitPrimary(fixture, 1);
            CountDownLatch closed = new CountDownLatch(1);
            StreamObserver<dev.lodestar.inference.v1.PredictBatchRequest> open = InferenceGrpc.newStub(fixture.channel)
                    .predictStream(new StreamObserver<>() {
                        @Override
                        public void onNext(dev.lodestar.inference.v1.PredictBatchResponse value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            closed.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            closed.countDown();
                        }
                    });
            open.onNext(dev.lodestar.inference.v1.PredictBatchRequest.newBuilder().setDeployment("churn").build());
            Thread.sleep(200);

            assertThatThrownBy(() -> predict(fixture, "churn", ""))
                    .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
            open.onCompleted();
            assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
            ServingFixture.await("admitted again", () -> {
                try {
                    return predict(fixture, "churn", "").getModelVersion() == 1;
                } catch (RuntimeException e) {
                    return false;
                }
            });
        }
    }

    private static PredictResponse predict(ServingFixture fixture, String deployment, String routingKey) {
        return fixture.inference().predict(PredictRequest.newBuilder().setDeployment(deployment).setRoutingKey(routingKey)
                .putAllFeatures(TestModels.row(new Random(routingKey.hashCode()))).build());
    }

    private static void awaitPrimary(ServingFixture fixture, int version) {
        ServingFixture.await("version " + version, () -> {
            Deployment deployment = fixture.server.serving().deployment("churn");
            return deployment != null && deployment.route() != null && deployment.route().primary().version() == version;
        });
    }
}
