package dev.lodestar.deploy;

import static dev.lodestar.testing.Fixtures.createModel;
import static dev.lodestar.testing.Fixtures.createReadyVersion;
import static dev.lodestar.testing.Fixtures.tribuoModel;
import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.LodestarStack;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;

/** The deployment pages in a real headless Chromium against the packaged gateway and the real Keycloak login. */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class DeploymentPagesBrowserIT {

    @Test
    void aDataScientistSeesLiveStateAndHistoryAndRollsBackWhileReadersOnlyRead() {
        String model = createModel(unique("paged"));
        int v1 = createReadyVersion(model, tribuoModel("churn-logistic"));
        int v2 = createReadyVersion(model, tribuoModel("churn-logistic"));
        String name = unique("paged");
        GraphQL.as("alice").data("mutation($n: String!, $m: String!, $v: Int) { createDeployment(name: $n, model: $m, version: $v) { name } }",
                "n", name, "m", model, "v", v1);
        GraphQL.as("alice").data("mutation($n: String!, $v: Int) { updateDeployment(name: $n, input: { version: $v }) { name } }",
                "n", name, "v", v2);
        String replica = unique("replica");
        given().auth().oauth2(Tokens.inferenceServer()).contentType(ContentType.JSON)
                .body(ServingApiTest.report("10.1.2.3:9090", 1, List.of(Map.of("name", name, "versions",
                        List.of(ServingApiTest.version(v2, "PRIMARY", "READY", null, 640))))))
                .put("/api/serving/replicas/" + replica).then().statusCode(204);
        String base = "http://localhost:" + TestStack.get().gatewayPort();

        try (Browser alice = Browser.start(base)) {
            alice.loginAndOpen("alice", "/admin/deployments");
            assertThat(alice.one("nav").getText()).contains("Deployments");
            assertThat(alice.one("#deployments").getText()).contains(name).contains(model);
            alice.click(name);
            assertThat(alice.one("#ready").getText()).isEqualTo("ready");
            assertThat(alice.one("#replicas").getText()).contains(replica).contains("10.1.2.3:9090").contains("READY");
            assertThat(alice.all("#history li")).hasSize(2);

            alice.press("#rollback button");

            assertThat(alice.one("#desired").getText()).contains("v" + v1).contains("pinned");
            assertThat(alice.one("#ready").getText()).isEqualTo("not ready");
            assertThat(alice.one("#history li").getText()).contains("ROLLED_BACK").contains("alice");
        }
        try (Browser carol = Browser.start(base)) {
            carol.loginAndOpen("carol", "/admin/deployments/" + name);
            assertThat(carol.all("#rollback")).isEmpty();
            carol.post("/admin/deployments/" + name + "/rollback", Map.of("csrf", carol.formToken()));
            assertThat(carol.text()).contains("roles");
        }
        assertThat(GraphQL.as("carol").data("query($n: String!) { deployment(name: $n) { version } }", "n", name)
                .getInt("deployment.version")).isEqualTo(v1);
    }
}
