package dev.lodestar.graphql;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Error answers, tested again against the packaged gateway. */
@QuarkusIntegrationTest
class GraphQLErrorsIT extends GraphQLErrorsTest {
}
