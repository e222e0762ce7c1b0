package dev.lodestar.training;

import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.LodestarStack;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.path.json.JsonPath;

/**
 * The dataset and training job pages in a real headless Chromium against the packaged gateway: a dataset uploaded
 * through the API shows its profile with histograms, and a job's page follows the job to its end by itself.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class TrainingPagesBrowserIT {

    @Test
    void aJobPageFollowsTheJobLiveAndTheDatasetPageDrawsItsProfile() throws InterruptedException {
        String name = unique("paged-churn");
        JsonPath dataset = given().auth().oauth2(Tokens.of("alice")).contentType("text/csv")
                .body(SyntheticChurn.csv(3000, 5, 0.03).getBytes(StandardCharsets.UTF_8))
                .post("/api/datasets?name=" + name).then().statusCode(201).extract().jsonPath();
        String experiment = Fixtures.createExperiment(unique("paged"));
        String job = TrainingFixtures.train(TrainingFixtures.input(experiment, dataset.getString("id"), "churned",
                "CLASSIFICATION", "RANDOM_FOREST", name, "params", List.of(Fixtures.pair("trees", "100"))));

        String base = "http://localhost:" + TestStack.get().gatewayPort();
        try (Browser alice = Browser.start(base)) {
            alice.loginAndOpen("alice", "/admin/jobs/" + job);
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + 120_000_000_000L;
            alice.one("#status");
            // The page replaces the status as the job moves on: read it in one step each time.
            String status = alice.textOf("#status");
            seen.add(status);
            while (!status.equals("SUCCEEDED") && !status.equals("FAILED") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                status = alice.textOf("#status");
                if (!status.equals(seen.get(seen.size() - 1))) {
                    seen.add(status);
                }
            }

            assertThat(seen).as("statuses shown without reloading the page").hasSizeGreaterThan(1).endsWith("SUCCEEDED");
            assertThat(alice.url()).endsWith("/admin/jobs/" + job);
            alice.one("#model-version");
            assertThat(alice.textOf("#percent")).isEqualTo("100%");
            assertThat(alice.textOf("#model-version")).isEqualTo(name + " v1");
            assertThat(alice.textOf("#log")).contains("holdout metrics");

            alice.open("/admin/datasets/" + dataset.getString("id"));
            assertThat(alice.one("#rows").getText()).isEqualTo("3000");
            assertThat(alice.all("section.column svg")).as("a histogram per numeric column").hasSize(5);
            assertThat(alice.text()).contains("plan", "region", "basic", "pro");
        }
    }
}
