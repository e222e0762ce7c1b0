package dev.lodestar.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.AuditTampering;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.LodestarStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The governed path end to end, in a real browser against the packaged gateway: a data scientist registers a
 * version and asks for {@code champion} in the admin, an approver reads the evidence and approves, the alias
 * moves, the compliance officer reads the whole story in the audit trail, and a row altered directly in
 * PostgreSQL is caught and named by the page's verify button.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class PromotionStoryBrowserIT {

    private static final String LOG = "mutation($run: ID!, $metrics: [MetricInput!]) { logBatch(runId: $run, metrics: $metrics) { id } }";

    @Test
    void aVersionIsRequestedApprovedInTheAdminAndTheAuditTrailTellsTheStory() throws SQLException {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        String run = Fixtures.createRun(Fixtures.createExperiment(Fixtures.unique("story")), "training");
        GraphQL.as("alice").data(LOG, "run", run, "metrics", List.of(Fixtures.metric("auc", 0.91, 10)));
        String model = Fixtures.createModel(Fixtures.unique("churn"));
        int version = Fixtures.createReadyVersion(model, Fixtures.tribuoModel("churn-logistic"), run);
        String versionPage = "/admin/models/" + model + "/versions/" + version;

        String request;
        try (Browser alice = Browser.start(base())) {
            alice.loginAndOpen("alice", versionPage);
            assertThat(alice.one("#sha256").getText()).matches("[0-9a-f]{64}");
            assertThat(alice.one("#metrics").getText()).contains("auc").contains("0.91");
            alice.fill("input[name=reason]", "beats the baseline on AUC").press("section.action button[type=submit]");
            assertThat(alice.url()).contains("/admin/approvals/");
            assertThat(alice.one("#status").getText()).isEqualTo("OPEN");
            request = alice.url().substring(alice.url().lastIndexOf('/') + 1);
        }

        try (Browser bob = Browser.start(base())) {
            bob.loginAndOpen("bob", "/admin/approvals");
            WebElement queued = bob.one("li.request[data-request='" + request + "']");
            assertThat(queued.getText()).contains(model).contains("alice").contains("beats the baseline").contains("auc");
            bob.open("/admin/approvals/" + request);
            bob.fill("#decide input[name=comment]", "evidence reviewed").press("#decide button[value=approve]");
            assertThat(bob.one("#status").getText()).isEqualTo("APPROVED");
            assertThat(bob.one("#approvals").getText()).contains("bob").contains("evidence reviewed");
            bob.open("/admin/models/" + model);
            assertThat(bob.one("#aliases").getText()).contains("champion").contains("v" + version);
        }

        try (Browser carol = Browser.start(base())) {
            carol.loginAndOpen("carol", "/admin/audit");
            carol.fill("input[name=from]", start.toString()).press(".audit-filter button");
            String trail = carol.one("#events").getText();
            assertThat(trail).contains("MODEL_CREATED").contains("MODEL_VERSION_CREATED").contains("MODEL_VERSION_READY")
                    .contains("PROMOTION_REQUESTED").contains("PROMOTION_APPROVAL_GIVEN").contains("PROMOTION_APPROVED")
                    .contains("ALIAS_SET");

            carol.open("/admin/audit?resourceType=PROMOTION_REQUEST&resourceId=" + request + "&action=PROMOTION_APPROVED");
            List<WebElement> approved = carol.all("#events tbody tr td a");
            assertThat(approved).hasSize(1);
            String sequence = approved.get(0).getText();
            carol.click(sequence);
            assertThat(carol.one("h1").getText()).contains("PROMOTION_APPROVED");
            WebElement status = carol.one("#changes tr.changed");
            assertThat(status.getText()).contains("status").contains("OPEN").contains("APPROVED");

            carol.open("/admin/audit").press("#verify");
            assertThat(carol.one("#verdict").getText()).isEqualTo("The audit trail is intact");

            AuditTampering.tamper("update audit_event set actor_name = 'mallory' where sequence = " + sequence);
            try {
                carol.open("/admin/audit").press("#verify");
                assertThat(carol.one("#verdict").getText()).isEqualTo("The audit trail was tampered with");
                assertThat(carol.one(".error").getText()).contains("First broken event: #" + sequence);
            } finally {
                AuditTampering.tamper("update audit_event set actor_name = 'bob' where sequence = " + sequence);
            }
            carol.open("/admin/audit").press("#verify");
            assertThat(carol.one("#verdict").getText()).isEqualTo("The audit trail is intact");
        }
    }

    static String base() {
        return "http://localhost:" + TestStack.get().gatewayPort();
    }
}
