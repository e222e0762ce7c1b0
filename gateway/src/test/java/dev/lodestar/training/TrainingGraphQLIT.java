package dev.lodestar.training;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Training jobs, tested again against the packaged gateway. */
@QuarkusIntegrationTest
class TrainingGraphQLIT extends TrainingGraphQLTest {
}
