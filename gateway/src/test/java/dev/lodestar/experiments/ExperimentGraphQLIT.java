package dev.lodestar.experiments;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Experiments, tested again against the packaged gateway. */
@QuarkusIntegrationTest
class ExperimentGraphQLIT extends ExperimentGraphQLTest {
}
