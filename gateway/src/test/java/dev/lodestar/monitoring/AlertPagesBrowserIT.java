package dev.lodestar.monitoring;

import static dev.lodestar.monitoring.MonitoringFixtures.ALERTS;
import static dev.lodestar.monitoring.MonitoringFixtures.CREATE_MONITOR;
import static dev.lodestar.monitoring.MonitoringFixtures.await;
import static dev.lodestar.monitoring.MonitoringFixtures.deployment;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.LodestarStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The alerts page in a real headless Chromium against the packaged gateway: a reader sees the alert a VOLUME
 * monitor raised on an idle deployment and the monitor itself, without the form to add one; a data scientist adds
 * a monitor through that form.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class AlertPagesBrowserIT {

    static final String MONITORS = "query($d: String) { monitors(deployment: $d) { kind minRows createdBy } }";

    @Test
    void aReaderSeesTheAlertAndItsMonitorAndADataScientistAddsAMonitor() {
        String deployment = deployment();
        String monitor = GraphQL.as("alice").data(CREATE_MONITOR, "input", Map.of("deployment", deployment, "kind", "VOLUME",
                "minRows", 1)).getString("createMonitor.id");
        // Nobody calls the deployment: its last closed window has 0 rows, below the minimum.
        String alert = await(Duration.ofSeconds(60), "an alert", () -> {
            List<String> ids = GraphQL.as("bob").data(ALERTS, "d", deployment).getList("alerts.edges.node.id", String.class);
            return ids.isEmpty() ? null : ids.get(0);
        });
        String base = "http://localhost:" + TestStack.get().gatewayPort();

        try (Browser carol = Browser.start(base)) {
            carol.loginAndOpen("carol", "/admin/alerts?deployment=" + deployment);

            assertThat(carol.all("#alerts tbody tr[data-alert]")).hasSize(1);
            assertThat(carol.one("#alerts tr[data-alert='" + alert + "']").getText()).contains(deployment, "VOLUME",
                    "fewer than the minimum 1");
            assertThat(carol.all("#monitors tbody tr[data-monitor]")).hasSize(1);
            assertThat(carol.one("#monitors tr[data-monitor='" + monitor + "']").getText()).contains(deployment, "VOLUME", "alice");
            assertThat(carol.all("#create-monitor")).isEmpty();
            assertThat(carol.all("#monitors form")).isEmpty();
        }
        try (Browser alice = Browser.start(base)) {
            alice.loginAndOpen("alice", "/admin/alerts?deployment=" + deployment);
            assertThat(new Select(alice.one("#create-monitor select[name=deployment]")).getFirstSelectedOption().getText())
                    .isEqualTo(deployment);
            new Select(alice.one("#create-monitor select[name=kind]")).selectByVisibleText("VOLUME");
            alice.fill("#create-monitor input[name=maxRows]", "5000");

            alice.press("#create-monitor button[type=submit]");

            assertThat(alice.all("#monitors tbody tr[data-monitor]")).hasSize(2);
            assertThat(alice.one("#monitors").getText()).contains("5000");
        }
        List<Map<String, Object>> monitors = GraphQL.as("carol").data(MONITORS, "d", deployment).getList("monitors");
        assertThat(monitors).hasSize(2).allSatisfy(m -> assertThat(m).containsEntry("kind", "VOLUME").containsEntry("createdBy", "alice"));
    }
}
