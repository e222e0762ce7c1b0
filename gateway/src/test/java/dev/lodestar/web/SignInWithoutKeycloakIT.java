package dev.lodestar.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.lodestar.testing.AppProcess;
import io.restassured.response.Response;

/**
 * The packaged gateway, run as a process of its own, configured with a Keycloak address where nothing answers:
 * a visitor without a session asking for the admin is told plainly that sign-in is unavailable (503 with
 * {@code Retry-After}), never sent to an address that does not answer and never shown a stack trace; the
 * stylesheet of that page is still served.
 */
class SignInWithoutKeycloakIT {

    static AppProcess gateway;
    static String base;

    @BeforeAll
    static void gatewayWithKeycloakDown() throws Exception {
        int port = AppProcess.freePort();
        String deadIssuer = "http://127.0.0.1:" + AppProcess.freePort() + "/realms/lodestar";
        Path artifacts = Files.createTempDirectory("lodestar-no-keycloak");
        gateway = AppProcess.gateway("gateway-no-keycloak", port, AppProcess.Database.fresh("lodestar_no_keycloak"), artifacts,
                "form-key-no-keycloak", Map.of("LODESTAR_OIDC_ISSUER", deadIssuer));
        gateway.start();
        base = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (status("/q/health/live") != 200) {
            assertThat(gateway.alive()).as("gateway running; see " + gateway.log()).isTrue();
            assertThat(System.nanoTime()).as("gateway up within 60 s; see " + gateway.log()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theAdminSaysSignInIsUnavailableAndWhenToTryAgain() {
        for (String path : new String[] { "/admin", "/admin/models", "/admin/approvals/1", "/admin/no/such/page" }) {
            Response response = given().redirects().follow(false).get(base + path);
            assertThat(response.statusCode()).as(path).isEqualTo(503);
            assertThat(response.header("Retry-After")).as(path).isEqualTo("30");
            assertThat(response.header("Location")).as(path).isNull();
            assertThat(response.contentType()).as(path).startsWith("text/html");
            assertThat(response.header("Content-Security-Policy")).as(path).contains("frame-ancestors 'none'");
            String page = response.asString();
            assertThat(page).as(path).contains("Sign-in is unavailable").contains("try again in 30 seconds")
                    .contains("/realms/lodestar").contains("<a href=\"" + path + "\">Try again</a>");
            assertThat(page).as(path + ": no stack trace").doesNotContainPattern("\\bat [a-z]+\\.[a-zA-Z.$]+\\(")
                    .doesNotContainIgnoringCase("exception").doesNotContain("io.quarkus").doesNotContain("Caused by");
        }
    }

    @Test
    void thePageKeepsItsStylesheet() {
        given().get(base + "/admin/assets/admin.css").then().statusCode(200).contentType("text/css");
    }

    @Test
    void aPostWithoutASessionIsRefusedTheSameWay() {
        given().redirects().follow(false).formParam("csrf", "x").post(base + "/admin/audit/verify")
                .then().statusCode(503).header("Retry-After", "30");
    }

    private static int status(String path) {
        try {
            return given().get(base + path).statusCode();
        } catch (Exception e) {
            // Nothing listens yet (RestAssured throws the connection failure unchecked).
            return -1;
        }
    }
}
