package dev.lodestar.lineage;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The OpenLineage intake, tested again against the packaged gateway. */
@QuarkusIntegrationTest
class OpenLineageIntakeIT extends OpenLineageIntakeTest {
}
