package dev.lodestar.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.LodestarStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * Every demo user on every admin page, in a real headless Chromium logged in through Keycloak's own page: each
 * sees the sections its roles open (in the navigation and at the address) and is refused the others, by direct
 * URL and by form posts replayed or forged from its own session.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class AdminAccessBrowserIT {

    private static final String REFUSED = "You may not see this page";

    /** Each section's address and the heading that shows it was served. */
    private static final Map<String, String> SECTIONS = Map.of(
            "/admin/models", "Models",
            "/admin/datasets", "Datasets",
            "/admin/jobs", "Training jobs",
            "/admin/deployments", "Deployments",
            "/admin/approvals", "Promotion requests",
            "/admin/audit", "Audit trail",
            "/admin/roles", "Users and roles");

    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "alice", Set.of("/admin/models", "/admin/datasets", "/admin/jobs", "/admin/deployments", "/admin/approvals"),
            "bob", Set.of("/admin/models", "/admin/datasets", "/admin/jobs", "/admin/deployments", "/admin/approvals"),
            "carol", Set.of("/admin/models", "/admin/datasets", "/admin/jobs", "/admin/deployments", "/admin/approvals", "/admin/audit"),
            "dave", Set.of("/admin/models", "/admin/datasets", "/admin/jobs", "/admin/deployments", "/admin/approvals", "/admin/audit", "/admin/roles"),
            "erin", Set.of("/admin/models", "/admin/datasets", "/admin/jobs", "/admin/deployments", "/admin/approvals"));

    static String model;
    static String requestByAlice;
    static String requestByErin;

    /** An open request by alice and one by erin, made once; the packaged gateway is up only once a test has started. */
    @BeforeEach
    void openRequests() {
        if (model != null) {
            return;
        }
        model = Fixtures.createModel(Fixtures.unique("access"));
        int version = Fixtures.createReadyVersion(model, Fixtures.tribuoModel("churn-logistic"));
        GraphQL.as("dave").data("mutation($n: String!, $p: [String!]!) { setModelPolicy(name: $n, requiredApprovals: 1, protectedAliases: $p) { name } }",
                "n", model, "p", List.of("champion", "challenger"));
        requestByAlice = request("alice", version, "champion");
        requestByErin = request("erin", version, "challenger");
    }

    @ParameterizedTest
    @ValueSource(strings = { "alice", "bob", "carol", "dave", "erin" })
    void eachUserSeesWhatTheirRolesAllowAndIsRefusedTheRest(String user) {
        try (Browser browser = Browser.start(base())) {
            browser.loginAndOpen(user, "/admin/models");
            List<String> nav = browser.all("header.top nav a").stream().map(a -> a.getAttribute("href").replace(base(), "")).toList();
            for (Map.Entry<String, String> section : SECTIONS.entrySet()) {
                String path = section.getKey();
                browser.open(path);
                if (ALLOWED.get(user).contains(path)) {
                    assertThat(browser.one("main h1").getText()).as(user + " on " + path).isEqualTo(section.getValue());
                    assertThat(nav).as(user + "'s navigation").contains(path);
                } else {
                    assertThat(browser.text()).as(user + " on " + path).contains(REFUSED).contains(user);
                    assertThat(nav).as(user + "'s navigation").doesNotContain(path);
                }
            }

            browser.open("/admin/approvals/" + requestByAlice);
            boolean approver = user.equals("bob") || user.equals("erin");
            assertThat(browser.all("#decide")).as(user + " is offered approve and reject").hasSize(approver ? 1 : 0);
            String token = browser.formToken();

            if (!approver) {
                browser.post("/admin/approvals/" + requestByAlice + "/approve", Map.of("csrf", token, "comment", "replayed"));
                assertThat(browser.text()).as(user + " approving").contains(REFUSED);
            }
            if (!user.equals("dave")) {
                browser.post("/admin/roles/" + user + "/grant", Map.of("csrf", token, "role", "admin"));
                assertThat(browser.text()).as(user + " granting").contains(REFUSED);
            }
            if (!ALLOWED.get(user).contains("/admin/audit")) {
                browser.post("/admin/audit/verify", Map.of("csrf", token));
                assertThat(browser.text()).as(user + " verifying").contains(REFUSED);
            }
            if (user.equals("erin")) {
                browser.open("/admin/approvals/" + requestByErin);
                assertThat(browser.all("#decide")).isEmpty();
                assertThat(browser.one("#why-not").getText()).contains("someone else");
                browser.post("/admin/approvals/" + requestByErin + "/approve", Map.of("csrf", browser.formToken(), "comment", "my own"));
                assertThat(browser.text()).contains(REFUSED).contains("four eyes");
            }
            if (user.equals("bob")) {
                given().cookies(browser.cookies()).header("Origin", "https://elsewhere.example").redirects().follow(false)
                        .formParam("csrf", token).formParam("comment", "from another site")
                        .post(base() + "/admin/approvals/" + requestByAlice + "/approve")
                        .then().statusCode(403).body(containsString("sent from another site"));
                browser.post("/admin/approvals/" + requestByAlice + "/approve", Map.of("csrf", "forged", "comment", "forged"));
                assertThat(browser.text()).contains(REFUSED).contains("not issued to you");
            }
        }
        assertThat(status(requestByAlice)).as("no refused form changed anything").isEqualTo("OPEN");
        assertThat(status(requestByErin)).isEqualTo("OPEN");
    }

    private static String request(String user, int version, String alias) {
        return GraphQL.as(user).data("""
                mutation($n: String!, $v: Int!, $a: String!) {
                  requestPromotion(name: $n, version: $v, alias: $a, reason: "access test") { id }
                }""", "n", model, "v", version, "a", alias).getString("requestPromotion.id");
    }

    private static String status(String request) {
        return GraphQL.as("carol").data("query($id: ID!) { promotionRequest(id: $id) { status } }", "id", request)
                .getString("promotionRequest.status");
    }

    static String base() {
        return "http://localhost:" + TestStack.get().gatewayPort();
    }
}
