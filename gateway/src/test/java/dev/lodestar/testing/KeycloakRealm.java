package dev.lodestar.testing;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import dev.lodestar.devstack.LocalKeycloak;
import dev.lodestar.devstack.TestStack;
import io.restassured.http.ContentType;

/** The test realm changed directly through Keycloak's admin API, as the realm's own administrator would. */
public final class KeycloakRealm {

    private KeycloakRealm() {
    }

    /** Creates a user with password = user name and no realm role; returns the user's id. */
    public static String createUserWithoutRoles(String user) {
        String location = given().auth().oauth2(adminToken()).contentType(ContentType.JSON)
                .body(Map.of("username", user, "enabled", true, "emailVerified", true, "firstName", "No", "lastName", "Role",
                        "email", user + "@example.com",
                        "credentials", List.of(Map.of("type", "password", "value", user, "temporary", false))))
                .post(server() + "/admin/realms/lodestar/users")
                .then().statusCode(201).extract().header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** The realm roles mapped to a user. */
    public static List<String> realmRolesOf(String userId) {
        return given().auth().oauth2(adminToken()).get(server() + "/admin/realms/lodestar/users/" + userId + "/role-mappings/realm")
                .then().statusCode(200).extract().jsonPath().getList("name");
    }

    /**
     * Lets the admin's login come back to {@code base} (e.g. a proxy in front of several gateways) besides the
     * addresses the realm names, by adding {@code base/admin/*} to the gateway client's redirect URIs.
     */
    public static void allowAdminRedirectsTo(String base) {
        changeGatewayRedirects(base + "/admin/*", true);
    }

    /** Takes back {@link #allowAdminRedirectsTo(String)}. */
    public static void disallowAdminRedirectsTo(String base) {
        changeGatewayRedirects(base + "/admin/*", false);
    }

    private static void changeGatewayRedirects(String uri, boolean allow) {
        String token = adminToken();
        String clients = server() + "/admin/realms/lodestar/clients";
        String id = given().auth().oauth2(token).queryParam("clientId", "lodestar-gateway").get(clients)
                .then().statusCode(200).extract().jsonPath().getString("[0].id");
        io.restassured.path.json.JsonPath current = given().auth().oauth2(token).get(clients + "/" + id)
                .then().statusCode(200).extract().jsonPath();
        Map<String, Object> client = current.getMap("");
        List<String> redirects = new java.util.ArrayList<>(current.getList("redirectUris", String.class));
        redirects.remove(uri);
        if (allow) {
            redirects.add(uri);
        }
        Map<String, Object> changed = new java.util.HashMap<>(client);
        changed.put("redirectUris", redirects);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(changed).put(clients + "/" + id)
                .then().statusCode(204);
    }

    private static String adminToken() {
        return given().formParams(Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", LocalKeycloak.BOOTSTRAP_ADMIN, "password", LocalKeycloak.BOOTSTRAP_ADMIN))
                .post(server() + "/realms/master/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    private static String server() {
        String issuer = TestStack.get().issuer();
        return issuer.substring(0, issuer.indexOf("/realms/"));
    }
}
