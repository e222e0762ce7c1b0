package dev.lodestar.deploy;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Deployments over GraphQL, tested again against the packaged gateway. */
@QuarkusIntegrationTest
class DeploymentGraphQLIT extends DeploymentGraphQLTest {
}
