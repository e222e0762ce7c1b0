package dev.lodestar.web;

import static dev.lodestar.testing.Fixtures.createExperiment;
import static dev.lodestar.testing.Fixtures.createRun;
import static dev.lodestar.testing.Fixtures.metric;
import static dev.lodestar.testing.Fixtures.pair;
import static dev.lodestar.testing.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.KeycloakRealm;
import dev.lodestar.testing.LodestarStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The admin in a real headless Chromium against the packaged gateway and the real Keycloak login page.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class AdminBrowserIT {

    private static final String LOG = "mutation($run: ID!, $metrics: [MetricInput!], $params: [ParamInput!]) {"
            + " logBatch(runId: $run, metrics: $metrics, params: $params) { id } }";

    static String experimentName;
    static String experimentId;

    /** Runs once, before the first test; the packaged gateway is up only once a test has started. */
    @BeforeEach
    void experimentWithTwoRuns() {
        if (experimentId != null) {
            return;
        }
        experimentName = unique("browser");
        experimentId = createExperiment(experimentName);
        for (String[] spec : new String[][] { { "slow-learner", "0.01", "0.70" }, { "fast-learner", "0.1", "0.93" } }) {
            String run = createRun(experimentId, spec[0]);
            List<Map<String, Object>> points = new ArrayList<>();
            for (int step = 0; step < 50; step++) {
                points.add(metric("accuracy", Double.parseDouble(spec[2]) * (1 - Math.exp(-step / 10.0)), step));
            }
            GraphQL.as("alice").data(LOG, "run", run, "metrics", points, "params", List.of(pair("learning_rate", spec[1])));
        }
    }

    static String base() {
        return "http://localhost:" + TestStack.get().gatewayPort();
    }

    @Test
    void aDataScientistLogsInThroughKeycloakAndFollowsAnExperimentToARunChart() {
        try (Browser browser = Browser.start(base())) {
            browser.open("/admin/experiments");
            assertThat(browser.url()).as("sent to Keycloak's login page").contains("/realms/lodestar/protocol/openid-connect/auth");

            browser.loginAndOpen("alice", "/admin/experiments");
            assertThat(browser.text()).contains(experimentName).contains("alice");

            browser.click(experimentName);
            assertThat(browser.all("#runs tbody tr")).hasSize(2);
            assertThat(browser.one("#runs thead").getText()).contains("accuracy").contains("learning_rate");

            browser.click("accuracy");
            assertThat(firstRunName(browser)).isEqualTo("fast-learner");
            browser.click("accuracy ▼");
            assertThat(firstRunName(browser)).isEqualTo("slow-learner");

            browser.submit("input[name=filter]", "params.learning_rate = '0.01'");
            assertThat(browser.all("#runs tbody tr")).hasSize(1);
            browser.submit("input[name=filter]", "metrics.accuracy >");
            assertThat(browser.one(".error").getText()).contains("position");

            browser.open("/admin/experiments/" + experimentId);
            browser.click("fast-learner");
            WebElement chart = browser.one("figure.chart svg polyline");
            assertThat(chart.getAttribute("points").split(" ")).hasSize(50);
            assertThat(browser.one("figure.chart figcaption").getText()).isEqualTo("accuracy");
            assertThat(browser.one("#params").getText()).contains("learning_rate").contains("0.1");
        }
    }

    @Test
    void anAuditorReadsTheSamePages() {
        try (Browser browser = Browser.start(base())) {
            browser.loginAndOpen("carol", "/admin/experiments/" + experimentId);
            assertThat(browser.text()).contains(experimentName).contains("fast-learner").contains("carol");
        }
    }

    @Test
    void aUserWithoutALodestarRoleIsToldWhy() {
        String user = unique("nora");
        KeycloakRealm.createUserWithoutRoles(user);
        try (Browser browser = Browser.start(base())) {
            browser.loginAndOpen(user, "/admin/experiments");
            assertThat(browser.text()).contains("You may not see this page").contains("data-scientist").doesNotContain(experimentName);
        }
    }

    @Test
    void unknownRunsAreNotFoundPages() {
        try (Browser browser = Browser.start(base())) {
            browser.loginAndOpen("alice", "/admin/runs/" + "f".repeat(32));
            assertThat(browser.text()).contains("Nothing here");
        }
    }

    private static String firstRunName(Browser browser) {
        return browser.one("#runs tbody tr td a").getText();
    }
}
