package dev.lodestar.drift;

import static dev.lodestar.drift.DriftFixtures.churnRows;
import static dev.lodestar.drift.DriftFixtures.features;
import static dev.lodestar.drift.DriftFixtures.labels;
import static dev.lodestar.drift.DriftFixtures.post;
import static dev.lodestar.drift.DriftFixtures.send;
import static dev.lodestar.drift.DriftFixtures.window;
import static dev.lodestar.drift.DriftFixtures.windowStart;
import static dev.lodestar.testing.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.LodestarStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The drift pages in a real headless Chromium against the packaged gateway: a deployment that received one window
 * like its reference and one with two shifted features shows a histogram per feature and a timeline with one
 * dataset-drift mark.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class DriftPagesBrowserIT {

    @Test
    void theDriftPageDrawsAHistogramPerFeatureAndTheTimeline() {
        DriftFixtures.Served served = DriftFixtures.churnDeployment(2000);
        Instant earlier = windowStart(2);
        Instant later = windowStart(1);
        post(send(unique("replica"), "inc", List.of(
                window(served, earlier, 1500, features(churnRows(1500, 41)), labels("stay", 1000, "churn", 500)),
                window(served, later, 1500, features(churnRows(1500, 42), new double[] { 12, 0, 0 }, new double[] { 1, 1.3, 1 }),
                        labels("stay", 700, "churn", 800))), null)).then().statusCode(204);

        try (Browser alice = Browser.start("http://localhost:" + TestStack.get().gatewayPort())) {
            alice.loginAndOpen("alice", "/admin/drift");
            assertThat(alice.text()).contains(served.deployment());
            alice.click(served.deployment());
            assertThat(alice.url()).contains("/admin/drift/" + served.deployment());
            assertThat(alice.one("#rows").getText()).isEqualTo("3000");
            assertThat(alice.all("#features tbody tr")).hasSize(3);
            assertThat(alice.all("section.feature svg")).as("one histogram per feature").hasSize(3);
            assertThat(alice.all("section.feature svg rect.bar.live")).isNotEmpty();
            assertThat(alice.all("section.feature svg rect.bar.reference")).isNotEmpty();
            assertThat(alice.all("#timeline circle.window")).as("one mark per window").hasSize(2);
            assertThat(alice.all("#timeline circle.dataset-drift")).as("the shifted window").hasSize(1);
            assertThat(alice.one("#dataset-drift").getText()).startsWith("yes");
            assertThat(alice.text()).contains("tenure_months", "monthly_charges", "support_calls", "WASSERSTEIN");
            assertThat(alice.all("header.top nav a[href='/admin/drift']")).hasSize(1);
        }
    }
}
