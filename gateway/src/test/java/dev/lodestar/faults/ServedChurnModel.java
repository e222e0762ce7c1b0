package dev.lodestar.faults;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.testing.Fixtures;

/**
 * The small churn classifier of the golden files registered on a gateway and deployed under a name, through the
 * public API as alice, plus prediction requests for it.
 */
final class ServedChurnModel {

    private ServedChurnModel() {
    }

    /** Registers version 1 of model {@code model}, waits until it is READY, and deploys it as {@code deployment}. */
    static void deploy(GatewayEndpoint gateway, String aliceToken, String model, String deployment) {
        GatewayEndpoint.Answer upload = gateway.postBytes("/api/artifacts", aliceToken, Fixtures.tribuoModel("churn-logistic"));
        if (upload.status() != 201) {
            throw new AssertionError("upload failed: " + upload.raw());
        }
        gateway.data(aliceToken, "mutation($n: String!) { createRegisteredModel(name: $n) { name } }", Map.of("n", model));
        gateway.data(aliceToken, "mutation($n: String!, $a: ID!) { createModelVersion(name: $n, artifactId: $a) { version } }",
                Map.of("n", model, "a", upload.body().path("id").asText()));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String status = gateway.data(aliceToken, "query($n: String!) { modelVersion(name: $n, version: 1) { status } }",
                    Map.of("n", model)).path("modelVersion").path("status").asText();
            if (status.equals("READY")) {
                break;
            }
            if (!status.equals("PENDING_REGISTRATION") || System.nanoTime() > deadline) {
                throw new AssertionError("version 1 of " + model + " is " + status);
            }
            Stopwatch.pause(100);
        }
        gateway.data(aliceToken, "mutation($d: String!, $m: String!) { createDeployment(name: $d, model: $m, version: 1) { name } }",
                Map.of("d", deployment, "m", model));
    }

    /** A prediction request with a random, plausible customer. */
    static PredictRequest request(String deployment, Random random) {
        return PredictRequest.newBuilder().setDeployment(deployment)
                .putFeatures("tenure_months", number(random.nextInt(72)))
                .putFeatures("monthly_charges", number(20 + random.nextDouble() * 100))
                .putFeatures("support_calls", number(random.nextInt(8)))
                .build();
    }

    private static FeatureValue number(double value) {
        return FeatureValue.newBuilder().setNumber(value).build();
    }
}
