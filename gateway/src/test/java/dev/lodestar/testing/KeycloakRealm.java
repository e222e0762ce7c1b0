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
