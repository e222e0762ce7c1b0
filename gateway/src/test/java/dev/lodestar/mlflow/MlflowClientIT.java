package dev.lodestar.mlflow;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The MLflow Java client against the packaged gateway. */
@QuarkusIntegrationTest
class MlflowClientIT extends MlflowClientTest {
}
