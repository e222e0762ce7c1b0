package dev.lodestar.audit;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The audit trail, tested again against the packaged gateway. */
@QuarkusIntegrationTest
class AuditTrailIT extends AuditTrailTest {
}
