package dev.lodestar.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.LodestarStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The lineage pages in a real headless Chromium against the packaged gateway, for a reader: upstream of a
 * deployment the graph draws the whole chain back to the dataset, a node's box leads to the graph centred on it,
 * and the deployment's timeline draws a bar per version it served.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class LineagePagesBrowserIT {

    @Test
    void aReaderFollowsADeploymentBackToItsDatasetAndSeesWhatItServedWhen() {
        LineageChain chain = LineageChain.build();

        try (Browser carol = Browser.start("http://localhost:" + TestStack.get().gatewayPort())) {
            carol.loginAndOpen("carol", "/admin/lineage?node=deployment:" + chain.deployment() + "&direction=UPSTREAM");

            assertThat(nodes(carol, "dataset")).containsExactly(chain.datasetNode());
            assertThat(nodes(carol, "run")).containsExactlyInAnyOrder("run:" + chain.run1(), "run:" + chain.run2());
            assertThat(nodes(carol, "model")).containsExactlyInAnyOrder(chain.modelNode(1), chain.modelNode(2));
            assertThat(nodes(carol, "approval")).containsExactly("approval:" + chain.request2());
            assertThat(nodes(carol, "deployment")).containsExactly(chain.deploymentNode());
            assertThat(carol.one("#lineage-graph a.lineage-node.center").getAttribute("data-node")).isEqualTo(chain.deploymentNode());
            assertThat(carol.one("#lineage-graph svg").getText()).contains(chain.datasetName() + " v1", chain.deployment());
            assertThat(carol.all("#lineage-graph g.lineage-edge.edge-TRAINED_ON")).hasSize(2);
            assertThat(carol.all("#lineage-graph g.lineage-edge.edge-PROMOTED")).hasSize(1);

            carol.press("#lineage-graph a.lineage-node.kind-dataset");

            assertThat(URLDecoder.decode(carol.url(), StandardCharsets.UTF_8)).contains("node=" + chain.datasetNode());
            assertThat(carol.one("#lineage-graph a.lineage-node.center").getAttribute("data-node")).isEqualTo(chain.datasetNode());
            assertThat(carol.one("#lineage-graph figcaption").getText()).contains(chain.datasetNode());

            carol.open("/admin/lineage/deployments/" + chain.deployment());

            assertThat(carol.one("h1").getText()).isEqualTo("What " + chain.deployment() + " served when");
            var bars = carol.all("#serving-timeline g.period");
            assertThat(bars).hasSize(2);
            assertThat(bars.get(0).findElement(By.tagName("text")).getText()).startsWith("v1");
            assertThat(bars.get(1).getAttribute("textContent")).contains(chain.model() + " v2 from");
            assertThat(carol.all("#periods tbody tr")).hasSize(2);
            assertThat(carol.one("#periods").getText()).contains("request " + chain.request2());
        }
    }

    private static List<String> nodes(Browser browser, String kind) {
        return browser.all("#lineage-graph a.lineage-node.kind-" + kind).stream().map(a -> a.getAttribute("data-node")).toList();
    }
}
