package dev.lodestar.faults;

import static io.restassured.RestAssured.given;

import java.util.Map;

/** Access tokens straight from a realm's token endpoint, for scenarios whose Keycloak is not the test stack's. */
final class ClientTokens {

    private ClientTokens() {
    }

    /** A token of a confidential client's service account (client credentials grant). */
    static String clientCredentials(String tokenUrl, String clientId, String secret) {
        return given().formParams(Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret))
                .post(tokenUrl).then().statusCode(200).extract().path("access_token");
    }

    /** A token of a demo user (password = user name) from the lodestar-cli client. */
    static String user(String tokenUrl, String user) {
        return given().formParams(Map.of("grant_type", "password", "client_id", "lodestar-cli", "username", user,
                "password", user)).post(tokenUrl).then().statusCode(200).extract().path("access_token");
    }
}
