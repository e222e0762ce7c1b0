package dev.lodestar.deploy;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The inference servers' REST API, tested again against the packaged gateway. */
@QuarkusIntegrationTest
class ServingApiIT extends ServingApiTest {
}
