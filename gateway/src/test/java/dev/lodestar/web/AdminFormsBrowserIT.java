package dev.lodestar.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.identity.Roles;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import dev.lodestar.testing.LodestarStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Every form post of the admin refuses forgeries. The POST routes are read from the page classes themselves, so a
 * route added later is covered without touching this test; the forms are collected by crawling the admin in a real
 * headless Chromium as an admin and as an approving data scientist, and each must post to one of those routes with
 * its user's form token. Then every route is sent forged posts from a signed-in session: without a token, with a
 * made-up one, with another user's, with one from the same user's other session, and with the right token
 * but from another site's page. Each is refused with 403 and the reason, and the audit trail (which every change
 * is written to in its own transaction) gains nothing. A control post with the right token from the page itself
 * is accepted, so the refusals are the tokens' doing.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class AdminFormsBrowserIT {

    private static final String NOT_ISSUED = "not issued to you";
    private static final String OTHER_SITE = "sent from another site";
    /** Pages crawled per admin section and user: a list and a detail page show every form of a section. */
    private static final int PAGES_PER_SECTION = 2;
    /** The admin's sections, each crawled from its list page. */
    private static final List<String> SECTIONS = List.of("/admin/experiments", "/admin/models", "/admin/datasets", "/admin/jobs",
            "/admin/approvals", "/admin/deployments", "/admin/alerts", "/admin/retraining", "/admin/drift", "/admin/lineage",
            "/admin/audit", "/admin/roles");

    /** A POST route of the admin: its path template, as a pattern, and the roles that may use it. */
    record Route(String template, Pattern pattern, Set<String> roles) {
    }

    /** A form found on a page: where it posts and the token it carries. */
    record Form(String page, String action, String token) {
    }

    /** A signed-in user: the browser's cookies for the gateway and the form token of that session. */
    record Session(String user, Map<String, String> cookies, String token) {
    }

    static Browser browser;
    static List<Route> routes;
    static final List<Form> forms = new ArrayList<>();
    static Session dave;
    static Session daveBefore;
    static Session erin;
    /** Where the form granting erin the admin role posts. */
    static String erinGrant;
    static String webhook;

    @BeforeEach
    void crawlOnce() {
        if (browser != null) {
            return;
        }
        routes = postRoutes();
        List<String> pages = fixtures();
        browser = Browser.start(base());
        daveBefore = signIn("dave", "/admin/roles");
        erinGrant = (String) browser.script("return document.querySelector('tr[data-user=erin] td.role[data-role=admin] form').getAttribute('action')");
        crawl("dave", pages, SECTIONS);
        signOut();
        erin = signIn("erin", pages.get(0));
        // Erin's own forms (decide, cancel her request, request a promotion) are on the fixture pages.
        crawl("erin", pages, List.of());
        signOut();
        dave = signIn("dave", "/admin/roles");
    }

    @AfterAll
    static void cleanUp() {
        if (browser != null) {
            browser.close();
        }
        if (webhook != null) {
            // After the last test the client no longer points at the gateway under test by itself.
            RestAssured.port = TestStack.get().gatewayPort();
            GraphQL.as("dave").data("mutation($id: ID!) { deleteWebhook(id: $id) { id } }", "id", webhook);
        }
    }

    @Test
    void everyFormPostsToAKnownRouteWithItsUsersToken() {
        assertThat(routes).as("POST routes under /admin").hasSizeGreaterThanOrEqualTo(15);
        Set<String> covered = new HashSet<>();
        for (Form form : forms) {
            Route route = routeOf(form.action());
            assertThat(route).as("form on " + form.page() + " posts to " + form.action() + ", which is no admin POST route").isNotNull();
            covered.add(route.template());
            assertThat(form.token()).as("form token of the form on " + form.page() + " to " + form.action()).isNotBlank();
        }
        // A job's cancel form shows only while a job runs, which this test does not wait for; every other route
        // must have a form the crawl found, so a route added without one (or without its fixture here) is noticed.
        List<String> uncovered = routes.stream().map(Route::template).filter(t -> !covered.contains(t))
                .filter(t -> !t.equals("/admin/jobs/{id}/cancel")).toList();
        assertThat(uncovered).as("POST routes no crawled form posts to").isEmpty();
        assertThat(daveBefore.token()).as("a new session has a new form token").isNotEqualTo(dave.token());
        assertThat(erin.token()).isNotEqualTo(dave.token());
    }

    @Test
    void everyRouteRefusesForgedPostsAndNothingIsWritten() {
        long before = auditEventsBy("dave", "erin");
        List<String> accepted = new ArrayList<>();
        for (Route route : routes) {
            Session session = route.roles().contains(Roles.ADMIN) ? dave : erin;
            Session other = session == dave ? erin : dave;
            String path = pathOf(route);
            Map<String, Map<String, String>> forgeries = new LinkedHashMap<>();
            forgeries.put("no token", Map.of());
            forgeries.put("a made-up token", Map.of("csrf", "bm90LWEtdG9rZW4tYXQtYWxsLWJ1dC1sb25nLWVub3VnaA"));
            forgeries.put("an empty token", Map.of("csrf", ""));
            forgeries.put(other.user() + "'s token", Map.of("csrf", other.token()));
            if (session == dave) {
                forgeries.put("dave's token of his other session", Map.of("csrf", daveBefore.token()));
            }
            for (Map.Entry<String, Map<String, String>> forgery : forgeries.entrySet()) {
                Response response = post(session, path, forgery.getValue(), null);
                if (response.statusCode() != 403 || !response.asString().contains(NOT_ISSUED)) {
                    accepted.add(path + " as " + session.user() + " with " + forgery.getKey() + ": HTTP " + response.statusCode());
                }
            }
            for (String origin : new String[] { "https://elsewhere.example", "http://localhost.elsewhere.example" }) {
                Response response = post(session, path, Map.of("csrf", session.token()), origin);
                if (response.statusCode() != 403 || !response.asString().contains(OTHER_SITE)) {
                    accepted.add(path + " as " + session.user() + " from " + origin + " with the right token: HTTP " + response.statusCode());
                }
            }
        }
        assertThat(accepted).as("forged posts that were not refused").isEmpty();
        assertThat(auditEventsBy("dave", "erin")).as("audit events by the forging users").isEqualTo(before);

        browser.open("/admin/audit");
        browser.press("#verify");
        assertThat(browser.one("#verdict").getText()).as("the real form, with its token, works").isNotBlank();
    }

    @Test
    void aFormOnAnotherSitePostingIntoTheAdminChangesNothing() throws Exception {
        long before = auditEventsBy("dave", "erin");
        String page = """
                <!DOCTYPE html><html><body>
                <form id="f" method="post" action="%s"><input name="csrf" value="%s"><input name="role" value="admin"></form>
                <script>document.getElementById('f').submit()</script></body></html>""".formatted(base() + erinGrant, dave.token());
        HttpServer elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        elsewhere.start();
        try {
            browser.open("/admin/roles");
            String site = "http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/prize";
            browser.script("location.href = arguments[0]", site);
            long deadline = System.nanoTime() + 15_000_000_000L;
            while ((browser.url().startsWith(site) || browser.url().contains("/admin/roles")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(browser.url()).as("where the forged form led").doesNotStartWith(site).doesNotContain("done=");
        } finally {
            elsewhere.stop(0);
        }
        assertThat(auditEventsBy("dave", "erin")).as("audit events by dave and erin").isEqualTo(before);
        browser.open("/admin/roles");
        assertThat(browser.all("tr[data-user=erin] td.role[data-role=admin] button.held")).as("erin was not made an admin").isEmpty();
    }

    private static Response post(Session session, String path, Map<String, String> fields, String origin) {
        var request = given().redirects().follow(false).cookies(session.cookies()).contentType("application/x-www-form-urlencoded");
        fields.forEach(request::formParam);
        if (origin != null) {
            request.header("Origin", origin);
        }
        if (fields.isEmpty()) {
            request.formParam("comment", "forged");
        }
        return request.post(base() + path);
    }

    /** The path of a route: the action of a crawled form posting to it, or its template with made-up ids. */
    private static String pathOf(Route route) {
        return forms.stream().map(Form::action).filter(a -> route.pattern().matcher(a).matches()).findFirst()
                .orElse(route.template().replaceAll("\\{[^}]+}", "1"));
    }

    private static Route routeOf(String action) {
        return routes.stream().filter(r -> r.pattern().matcher(action).matches()).findFirst().orElse(null);
    }

    /** Signs in through Keycloak's page and reads the session's form token from {@code page}, which has a form. */
    private static Session signIn(String user, String page) {
        browser.loginAndOpen(user, page);
        String token = browser.formToken();
        assertThat(token).as(user + "'s form token on " + page).isNotEqualTo("no-token-on-this-page");
        return new Session(user, browser.cookies(), token);
    }

    private static void signOut() {
        browser.forgetSessions();
    }

    /** Visits the admin as {@code user} from the top, a few pages per section, and records every form. */
    private static void crawl(String user, List<String> fixturePages, List<String> sections) {
        Deque<String> queue = new ArrayDeque<>(fixturePages);
        queue.addAll(sections);
        Set<String> seen = new HashSet<>(queue);
        Map<String, Integer> perSection = new HashMap<>();
        while (!queue.isEmpty()) {
            String path = queue.poll();
            String section = path.split("/")[2];
            if (perSection.merge(section, 1, Integer::sum) > PAGES_PER_SECTION) {
                continue;
            }
            browser.open(path);
            @SuppressWarnings("unchecked")
            List<Map<String, String>> found = (List<Map<String, String>>) browser.script("""
                    return [...document.querySelectorAll('form')].filter(f => f.method === 'post').map(f => ({
                      action: new URL(f.getAttribute('action') || location.href, location.href).pathname,
                      token: f.querySelector('input[name=csrf]') ? f.querySelector('input[name=csrf]').value : ''}))""");
            found.forEach(f -> forms.add(new Form(user + " on " + path, f.get("action"), f.get("token"))));
            @SuppressWarnings("unchecked")
            List<String> links = (List<String>) browser.script("""
                    return [...document.querySelectorAll('main a[href]')].map(a => new URL(a.getAttribute('href'), location.href))
                      .filter(u => u.origin === location.origin && u.search === '').map(u => u.pathname)""");
            for (String link : links) {
                if (!sections.isEmpty() && link.startsWith("/admin/") && !link.startsWith("/admin/logout") && !link.startsWith("/admin/assets")
                        && !link.contains("/export") && link.split("/").length > 3 && seen.add(link)) {
                    queue.add(link);
                }
            }
        }
    }

    /** Every {@code @POST} method of a class whose {@code @Path} is under {@code /admin}, read from the compiled classes. */
    static List<Route> postRoutes() {
        List<Route> found = new ArrayList<>();
        for (String name : classNames()) {
            Class<?> type;
            try {
                type = Class.forName(name, false, AdminFormsBrowserIT.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            jakarta.ws.rs.Path base = type.getAnnotation(jakarta.ws.rs.Path.class);
            if (base == null || !base.value().startsWith("/admin")) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                if (!method.isAnnotationPresent(POST.class)) {
                    continue;
                }
                jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                String template = (base.value() + (sub == null ? "" : "/" + sub.value())).replaceAll("/+", "/").replaceAll("/$", "");
                RolesAllowed roles = method.isAnnotationPresent(RolesAllowed.class) ? method.getAnnotation(RolesAllowed.class)
                        : type.getAnnotation(RolesAllowed.class);
                found.add(new Route(template, Pattern.compile(template.replaceAll("\\{[^}]+}", "[^/]+")),
                        roles == null ? Set.of() : Set.of(roles.value())));
            }
        }
        return found;
    }

    private static List<String> classNames() {
        try {
            Path location = Path.of(AdminHome.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location)) {
                    return files.map(location::relativize).map(Path::toString).filter(n -> n.endsWith(".class") && !n.contains("$"))
                            .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.')).toList();
                }
            }
            try (JarFile jar = new JarFile(location.toFile())) {
                return jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                        .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.')).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Data that makes the forms appear: a request by alice for erin to decide, one by erin for her to cancel, a
     * version to request a promotion of, a deployment with a version to roll back to and a monitor, a webhook, a
     * retraining policy. Returns the pages showing them, alice's request first.
     */
    private static List<String> fixtures() {
        String model = Fixtures.createModel(Fixtures.unique("forms"));
        int version = Fixtures.createReadyVersion(model, Fixtures.tribuoModel("churn-logistic"));
        GraphQL.as("dave").data("mutation($n: String!) { setModelPolicy(name: $n, requiredApprovals: 1, protectedAliases: [\"champion\", \"challenger\"]) { name } }",
                "n", model);
        String request = """
                mutation($n: String!, $v: Int!, $a: String!) { requestPromotion(name: $n, version: $v, alias: $a, reason: "forms") { id } }""";
        String byAlice = GraphQL.as("alice").data(request, "n", model, "v", version, "a", "champion").getString("requestPromotion.id");
        String byErin = GraphQL.as("erin").data(request, "n", model, "v", version, "a", "challenger").getString("requestPromotion.id");
        int second = Fixtures.createReadyVersion(model, Fixtures.tribuoModel("churn-logistic"));
        String deployment = Fixtures.unique("forms").toLowerCase();
        GraphQL.as("alice").data("mutation($d: String!, $m: String!, $v: Int) { createDeployment(name: $d, model: $m, version: $v) { name } }",
                "d", deployment, "m", model, "v", version);
        GraphQL.as("alice").data("mutation($d: String!, $v: Int) { updateDeployment(name: $d, input: { version: $v }) { name } }",
                "d", deployment, "v", second);
        GraphQL.as("alice").data("mutation($i: MonitorInput!) { createMonitor(input: $i) { id } }",
                "i", Map.of("deployment", deployment, "kind", "DATASET_DRIFT"));
        // A local address that refuses connections: no alert of another test can send anything off this machine.
        webhook = GraphQL.as("dave").data("mutation { createWebhook(url: \"http://127.0.0.1:9/lodestar\") { webhook { id } } }")
                .getString("createWebhook.webhook.id");

        GraphQL.as("alice").data("""
                mutation($m: String!) { setRetrainingPolicy(model: $m, input: { triggers: [ON_ALERT], alias: "champion" }) { model } }""",
                "m", model);
        return List.of("/admin/approvals/" + byAlice, "/admin/approvals/" + byErin,
                "/admin/models/" + Links.segment(model) + "/versions/" + second, "/admin/deployments/" + deployment);
    }

    private static long auditEventsBy(String... users) {
        TestStack.Addresses stack = TestStack.get();
        try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
                PreparedStatement query = db.prepareStatement("select count(*) from audit_event where actor_name = any (?)")) {
            query.setArray(1, db.createArrayOf("text", users));
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
