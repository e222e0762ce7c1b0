package dev.lodestar.experiments;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs, logging and search, tested again against the packaged gateway. */
@QuarkusIntegrationTest
class RunGraphQLIT extends RunGraphQLTest {
}
