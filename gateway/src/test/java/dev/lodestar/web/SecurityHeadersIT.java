package dev.lodestar.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.Browser;
import dev.lodestar.testing.LodestarStack;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Every kind of answer the packaged gateway gives carries the same security headers: admin pages of a signed-in
 * user, their error pages (403, 404 of a known and of an unknown address), the redirect to Keycloak's login, the
 * stylesheet, GraphQL answers and errors, MLflow REST answers and errors, refusals of oversized bodies, answers
 * of no endpoint at all, and health checks.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class SecurityHeadersIT {

    static final Map<String, String> EXPECTED = Map.of(
            "Content-Security-Policy", "default-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            "X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "same-origin");

    /** Cookies of alice's admin session, made once through Keycloak's real login page. */
    static Map<String, String> alice;

    @BeforeEach
    void signIn() {
        if (alice != null) {
            return;
        }
        try (Browser browser = Browser.start(base())) {
            alice = browser.loginAndOpen("alice", "/admin/models").cookies();
        }
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                answer("admin page", 200, r -> signedIn(r).get("/admin/models")),
                answer("admin page refused (403)", 403, r -> signedIn(r).get("/admin/roles")),
                answer("admin page of nothing (404)", 404, r -> signedIn(r).get("/admin/runs/" + "f".repeat(32))),
                answer("unknown admin address, signed in", 404, r -> signedIn(r).get("/admin/no/such/page")),
                answer("unknown admin address, no session", 404, r -> r.get("/admin/no/such/page")),
                answer("redirect to Keycloak's login", 302, r -> r.get("/admin/models")),
                answer("redirect within the admin", 303, r -> signedIn(r).get("/admin")),
                answer("stylesheet", 200, r -> r.get("/admin/assets/admin.css")),
                answer("GraphQL answer", 200, r -> r.header("Authorization", "Bearer " + Tokens.of("alice")).contentType("application/json")
                        .body("{\"query\":\"{ __typename }\"}").post("/graphql")),
                answer("GraphQL syntax error", 400, r -> r.header("Authorization", "Bearer " + Tokens.of("alice")).contentType("application/json")
                        .body("{\"query\":\"{ nope(\"}").post("/graphql")),
                answer("GraphQL without a token", 401, r -> r.contentType("application/json").body("{\"query\":\"{ __typename }\"}")
                        .post("/graphql")),
                answer("MLflow REST answer", 200, r -> r.header("Authorization", "Bearer " + Tokens.of("alice"))
                        .queryParam("max_results", 1).get("/api/2.0/mlflow/experiments/search")),
                answer("MLflow REST error", 404, r -> r.header("Authorization", "Bearer " + Tokens.of("alice"))
                        .queryParam("experiment_id", "987654321").get("/api/2.0/mlflow/experiments/get")),
                answer("MLflow REST without a token", 401, r -> r.get("/api/2.0/mlflow/experiments/search")),
                answer("no endpoint at all", 404, r -> r.get("/no/such/thing")),
                answer("health", 200, r -> r.get("/q/health/ready")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void everyAnswerCarriesTheSecurityHeaders(String kind, int status, Function<RequestSpecification, Response> request) {
        Response response = request.apply(given().redirects().follow(false));
        assertThat(response.statusCode()).as(kind).isEqualTo(status);
        EXPECTED.forEach((name, value) -> assertThat(response.header(name)).as(kind + ": " + name).isEqualTo(value));
        assertThat(response.header("Strict-Transport-Security")).as("only behind TLS").isNull();
    }

    @Test
    void aRefusedOversizedBodyCarriesTheSecurityHeaders() throws Exception {
        // Only the head is sent: the gateway refuses on the declared length before reading a byte of the body.
        try (Socket socket = new Socket("localhost", TestStack.get().gatewayPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /api/2.0/mlflow/runs/create HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(reader.readLine()).startsWith("HTTP/1.1 413");
            Map<String, String> headers = new HashMap<>();
            for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                headers.put(line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT), line.substring(line.indexOf(':') + 1).strip());
            }
            EXPECTED.forEach((name, value) -> assertThat(headers.get(name.toLowerCase(Locale.ROOT))).as(name).isEqualTo(value));
            char[] body = new char[Integer.parseInt(headers.get("content-length"))];
            assertThat(reader.read(body)).isEqualTo(body.length);
            // In MLflow's shape under its prefix, so MLflow clients raise their own exception.
            assertThat(new String(body)).contains("\"error_code\":\"INVALID_PARAMETER_VALUE\"", "larger than the limit");
        }
    }

    @Test
    void anUnknownAdminAddressIsANotFoundPageNotAnError() {
        for (Map<String, String> cookies : new Map[] { Map.of(), alice }) {
            String page = given().cookies(cookies).redirects().follow(false).get("/admin/no/such/page")
                    .then().statusCode(404).contentType("text/html").extract().asString();
            assertThat(page).contains("Nothing here").contains("/admin/no/such/page").doesNotContain("request id")
                    .doesNotContainIgnoringCase("exception");
        }
    }

    @Test
    void sessionCookiesAreHttpOnlyAndNotSecureOnPlainLocalhost() {
        Response response = given().redirects().follow(false).get("/admin/models");
        String state = response.getHeaders().getValues("Set-Cookie").stream().filter(c -> c.startsWith("q_auth")).findFirst()
                .orElseThrow();
        assertThat(state).containsIgnoringCase("HttpOnly").doesNotContainIgnoringCase("Secure");
    }

    private static Arguments answer(String kind, int status, Function<RequestSpecification, Response> request) {
        return Arguments.of(kind, status, request);
    }

    private static RequestSpecification signedIn(RequestSpecification request) {
        return request.cookies(alice);
    }

    static String base() {
        return "http://localhost:" + TestStack.get().gatewayPort();
    }
}
