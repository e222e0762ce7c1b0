package dev.lodestar.datasets;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Dataset uploads and reads, tested again against the packaged gateway. */
@QuarkusIntegrationTest
class DatasetApiIT extends DatasetApiTest {
}
