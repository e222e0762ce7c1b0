package dev.lodestar.testing;

import java.util.Map;

import dev.lodestar.devstack.TestStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the gateway under test at the real PostgreSQL and Keycloak of {@link TestStack}, which start once per
 * test JVM and are shared by every test class (each test makes its own, uniquely named data).
 */
public class LodestarStack implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestStack.Addresses stack = TestStack.get();
        return Map.of(
                "quarkus.datasource.jdbc.url", stack.jdbcUrl(),
                "quarkus.datasource.username", stack.dbUser(),
                "quarkus.datasource.password", stack.dbPassword(),
                "quarkus.oidc.auth-server-url", stack.issuer(),
                "quarkus.oidc.web.auth-server-url", stack.issuer(),
                "quarkus.oidc.web.credentials.secret", stack.gatewaySecret(),
                "quarkus.http.test-port", Integer.toString(stack.gatewayPort()),
                "lodestar.artifacts.dir", System.getProperty("lodestar.test.output", "target/test-stack") + "/artifacts",
                // Small enough for a test to stream past it.
                "lodestar.datasets.max-size", "1M",
                "lodestar.artifacts.max-size", "32M");
    }

    @Override
    public void stop() {
        // The stack outlives application restarts; it stops with the JVM.
    }
}
