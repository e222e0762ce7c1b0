package dev.lodestar.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lodestar.inference.oip.v2.ModelReadyRequest;
import dev.lodestar.inference.v1.PredictRequest;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;

/**
 * A replica that has not applied its first desired state yet does not know its deployments: it must not tell a
 * caller that a deployment does not exist (a client would give up) but that it should retry elsewhere, and
 * balancers must not send it traffic.
 */
class StartingReplicaTest {

    @TempDir
    Path directory;

    @Test
    void aReplicaWithoutItsFirstDesiredStateIsUnavailableAndUnreadyThenServes() throws Exception {
        var v1 = TestModels.write(TestModels.classifier(1), directory.resolve("v1.model"));
        // No state file yet: the source fails, so nothing is applied.
        try (ServingFixture fixture = ServingFixture.start(directory.resolve("server"), null, 1024)) {
            assertThat(readiness(fixture)).isEqualTo(503);
            assertThat(health(fixture)).isEqualTo(ServingStatus.NOT_SERVING);
            assertThatThrownBy(() -> predict(fixture))
                    .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNAVAILABLE))
                    .hasMessageContaining("not loaded its deployments yet");
            assertThat(fixture.oip().modelReady(ModelReadyRequest.newBuilder().setName("churn").build()).getReady()).isFalse();

            fixture.write(TestModels.state(1, "churn", 1, v1, null, null, null, null, null));
            ServingFixture.await("readiness", () -> readiness(fixture) == 200);

            assertThat(health(fixture)).isEqualTo(ServingStatus.SERVING);
            assertThat(predict(fixture)).isEqualTo(1);
            assertThatThrownBy(() -> fixture.inference().predict(PredictRequest.newBuilder().setDeployment("fraud")
                    .putAllFeatures(TestModels.row(new Random(2))).build()))
                    .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
        }
    }

    private static int predict(ServingFixture fixture) {
        return fixture.inference().predict(PredictRequest.newBuilder().setDeployment("churn")
                .putAllFeatures(TestModels.row(new Random(1))).build()).getModelVersion();
    }

    private static ServingStatus health(ServingFixture fixture) {
        return HealthGrpc.newBlockingStub(fixture.channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    }

    private static int readiness(ServingFixture fixture) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + fixture.server.managementPort() + "/q/health/ready")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
