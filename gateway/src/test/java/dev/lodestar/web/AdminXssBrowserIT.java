package dev.lodestar.web;

import static dev.lodestar.testing.Fixtures.createModel;
import static dev.lodestar.testing.Fixtures.createReadyVersion;
import static dev.lodestar.testing.Fixtures.pair;
import static dev.lodestar.testing.Fixtures.tribuoModel;
import static dev.lodestar.testing.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.LodestarStack;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * Script payloads stored through the real APIs (experiment, run and model names, descriptions, tags and params,
 * model cards written in hostile Markdown, promotion and rejection reasons, a monitor's feature, dataset column
 * names and values) and typed into every search field, then every admin page showing them opened in a real
 * headless Chromium: nothing runs (a hook installed before each page's own scripts records any call, alert or
 * blocked script), no element carries an event handler or a script address, and the stored text reads back
 * exactly as it was written.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class AdminXssBrowserIT {

    /** Every trick at once: script tags, handlers, attribute breakouts, script URLs, template syntax, unicode. */
    static final String PAYLOAD = "x<script>__xss('script')</script><img src=x onerror=__xss('img')>\"><svg onload=__xss('svg')>"
            + "'-__xss('quote')-'{inject:csrf}{actor.name}{#include layout /}javascript:__xss('url') \u202Egnp.exe \uFF1Cscript\uFF1E";

    /** Markdown tricks for model cards: script links and images, autolinks, references, raw HTML. */
    static final String CARD = """
            [click](javascript:__xss('md-link')) ![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9X194c3MoMSk+) <javascript:__xss('md-auto')>
            [ref][r] [spaced](java\tscript:__xss('md-tab')) [entity](&#106;avascript:__xss('md-entity'))
            <a href="javascript:__xss('md-html')">raw</a> <img src=x onerror=__xss('md-raw')> <svg onload=__xss('md-svg')>

            [r]: jAvAsCrIpT:__xss('md-ref')
            """;

    /** Installed before each page's scripts: records payload calls, alerts and anything the CSP had to block. */
    static final String HOOK = """
            window.__hits = [];
            window.__xss = function (n) { window.__hits.push('ran:' + n); };
            window.alert = window.confirm = window.prompt = function (m) { window.__hits.push('alert:' + m); };
            document.addEventListener('securitypolicyviolation', function (e) {
              window.__hits.push('blocked:' + e.effectiveDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
            });""";

    /** What a page holds that could run: event handler attributes, inline scripts, script or data addresses. */
    static final String ACTIVE = """
            const found = [];
            for (const e of document.querySelectorAll('*')) {
              for (const a of e.attributes) {
                const v = a.value.replace(/[\\u0000-\\u0020\\u007f-\\u00a0\\u200b-\\u200f\\u2028-\\u202f\\ufeff]/g, '').toLowerCase();
                if (a.name.toLowerCase().startsWith('on')) found.push(e.tagName + ' ' + a.name);
                if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(a.name.toLowerCase())
                    && /^(javascript|data|vbscript):/.test(v)) found.push(e.tagName + ' ' + a.name + '=' + a.value);
              }
              if (e.tagName === 'SCRIPT' && !e.src) found.push('inline script');
              if (['IFRAME', 'OBJECT', 'EMBED', 'BASE'].includes(e.tagName)) found.push(e.tagName);
            }
            return found;""";

    static Browser browser;
    static String experimentId;
    static String runId;
    static String model;
    static String requestId;
    static String deployment;
    static String datasetId;

    /** Payloads stored once; the packaged gateway is up only once a test has started. */
    @BeforeEach
    void storePayloads() {
        if (browser != null) {
            return;
        }
        GraphQL alice = GraphQL.as("alice");
        experimentId = alice.data("""
                mutation($n: String!, $d: String) { createExperiment(name: $n, description: $d) { id } }""",
                "n", PAYLOAD + unique(""), "d", PAYLOAD).getString("createExperiment.id");
        alice.data("mutation($id: ID!, $v: String!) { setExperimentTag(id: $id, key: \"note\", value: $v) { id } }",
                "id", experimentId, "v", PAYLOAD);
        runId = alice.data("mutation($e: ID!, $n: String) { createRun(experimentId: $e, name: $n) { id } }",
                "e", experimentId, "n", PAYLOAD).getString("createRun.id");
        alice.data("mutation($r: ID!, $v: String!) { setRunTag(runId: $r, key: \"note\", value: $v) { id } }", "r", runId, "v", PAYLOAD);
        alice.data("mutation($r: ID!, $m: [MetricInput!], $p: [ParamInput!]) { logBatch(runId: $r, metrics: $m, params: $p) { id } }",
                "r", runId, "m", List.of(Map.of("key", "accuracy", "value", 0.9, "step", 0)), "p", List.of(pair("note", PAYLOAD)));

        model = createModel(unique("xss model"));
        alice.data("mutation($n: String!, $d: String) { updateRegisteredModel(name: $n, description: $d) { name } }", "n", model, "d", PAYLOAD);
        alice.data("mutation($n: String!, $v: String!) { setRegisteredModelTag(name: $n, key: \"note\", value: $v) { name } }",
                "n", model, "v", PAYLOAD);
        int version = createReadyVersion(model, tribuoModel("churn-logistic"), runId);
        alice.data("mutation($n: String!, $v: Int!, $d: String) { updateModelVersion(name: $n, version: $v, description: $d) { version } }",
                "n", model, "v", version, "d", PAYLOAD);
        alice.data("""
                mutation($n: String!, $v: Int!, $c: ModelCardInput!) { setModelCard(name: $n, version: $v, card: $c) { version } }""",
                "n", model, "v", version, "c", Map.of("intendedUse", CARD, "trainingData", PAYLOAD, "evaluation", CARD, "limitations", PAYLOAD));
        requestId = alice.data("""
                mutation($n: String!, $v: Int!, $r: String!) { requestPromotion(name: $n, version: $v, alias: "champion", reason: $r) { id } }""",
                "n", model, "v", version, "r", PAYLOAD).getString("requestPromotion.id");
        GraphQL.as("bob").data("mutation($id: ID!, $r: String!) { rejectPromotion(requestId: $id, reason: $r) { id } }",
                "id", requestId, "r", PAYLOAD);

        deployment = unique("xss").toLowerCase();
        alice.data("mutation($d: String!, $m: String!, $v: Int) { createDeployment(name: $d, model: $m, version: $v) { name } }",
                "d", deployment, "m", model, "v", version);
        alice.data("mutation($i: MonitorInput!) { createMonitor(input: $i) { id } }",
                "i", Map.of("deployment", deployment, "kind", "FEATURE_DRIFT", "feature", PAYLOAD.substring(0, 190)));

        String quoted = "\"" + PAYLOAD.replace("\"", "\"\"") + "\"";
        datasetId = given().header("Authorization", "Bearer " + Tokens.of("alice")).contentType("text/csv")
                .body((quoted + ",n\n" + quoted + ",1\n" + quoted + ",2\nplain,3\n").getBytes(StandardCharsets.UTF_8))
                .queryParam("name", unique("xss-data")).post("/api/datasets")
                .then().statusCode(201).extract().path("id");

        browser = Browser.start(base()).beforeEveryPage(HOOK);
        browser.loginAndOpen("dave", "/admin/experiments");
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void storedPayloadsShowAsTextOnEveryPageAndNothingRuns() {
        String encodedModel = Links.segment(model);
        List<String> literal = List.of(
                "/admin/experiments",
                "/admin/experiments/" + experimentId,
                "/admin/runs/" + runId,
                "/admin/models/" + encodedModel,
                "/admin/models/" + encodedModel + "/versions/1",
                "/admin/approvals?status=ALL",
                "/admin/approvals/" + requestId,
                "/admin/alerts",
                "/admin/datasets/" + datasetId,
                "/admin/audit?actor=alice",
                "/admin/audit?actor=bob",
                "/admin/audit/events/" + latestEvent("alice", model + ":1"));
        List<String> problems = new ArrayList<>();
        for (String path : literal) {
            problems.addAll(inert(path));
            // The audit trail shows changed fields as JSON text, where a quote reads \".
            String text = path.contains("/audit/events/") ? PAYLOAD.replace("\"", "\\\"") : PAYLOAD;
            Boolean shown = (Boolean) browser.script("return document.body.textContent.includes(arguments[0])", text.substring(0, 150));
            if (!Boolean.TRUE.equals(shown)) {
                problems.add(path + ": the stored text is not shown literally");
            }
        }
        for (String path : List.of("/admin/models", "/admin/deployments/" + deployment, "/admin/lineage/deployments/" + deployment,
                "/admin/lineage?node=" + Links.encode("model:" + model + ":1") + "&direction=BOTH&depth=3")) {
            problems.addAll(inert(path));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void modelCardLinksGoNowhereDangerous() {
        browser.open("/admin/models/" + Links.segment(model) + "/versions/1");
        @SuppressWarnings("unchecked")
        List<String> links = (List<String>) browser.script(
                "return [...document.querySelectorAll('#card a, #card img')].map(e => e.getAttribute('href') ?? e.getAttribute('src'))");
        assertThat(links).as("the card's links and images exist and point nowhere").isNotEmpty().allMatch(String::isEmpty);
        assertThat(browser.one("#card").getText()).contains("<a href=\"javascript:__xss('md-html')\">raw</a>");
    }

    @Test
    void payloadsTypedIntoSearchFieldsAndAddressesAreEchoedAsText() {
        String typed = Links.encode(PAYLOAD);
        List<String> problems = new ArrayList<>();
        for (String path : List.of("/admin/experiments?q=" + typed, "/admin/models?q=" + typed, "/admin/lineage?q=" + typed,
                "/admin/roles?q=" + typed)) {
            problems.addAll(inert(path));
            Boolean echoed = (Boolean) browser.script(
                    "return document.body.textContent.includes(arguments[0]) || [...document.querySelectorAll('input')].some(i => i.value === arguments[1])",
                    PAYLOAD.substring(0, 150), PAYLOAD);
            if (!Boolean.TRUE.equals(echoed)) {
                problems.add(path + ": the typed text is not echoed literally");
            }
        }
        for (String path : List.of("/admin/experiments/" + experimentId + "?filter=" + typed + "&sort=" + typed,
                "/admin/audit?actor=" + typed + "&resourceId=" + typed + "&from=" + typed,
                "/admin/lineage?node=" + typed, "/admin/runs/" + Links.segment(PAYLOAD), "/admin/models/" + Links.segment(PAYLOAD),
                "/admin/datasets?name=" + typed, "/admin/alerts?deployment=" + typed)) {
            problems.addAll(inert(path));
        }
        assertThat(problems).isEmpty();
    }

    /** Opens {@code path} and lists what on it ran or could run. */
    @SuppressWarnings("unchecked")
    private static List<String> inert(String path) {
        browser.open(path);
        List<String> problems = new ArrayList<>();
        ((List<String>) browser.script("return window.__hits")).forEach(hit -> problems.add(path + ": " + hit));
        ((List<String>) browser.script(ACTIVE)).forEach(found -> problems.add(path + ": " + found));
        if (browser.url().contains("/realms/")) {
            problems.add(path + ": sent to the login page");
        }
        return problems;
    }

    private static long latestEvent(String actor, String resource) {
        TestStack.Addresses stack = TestStack.get();
        try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
                PreparedStatement query = db.prepareStatement(
                        "select max(sequence) from audit_event where actor_name = ? and resource_id = ?")) {
            query.setString(1, actor);
            query.setString(2, resource);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String base() {
        return "http://localhost:" + TestStack.get().gatewayPort();
    }
}
