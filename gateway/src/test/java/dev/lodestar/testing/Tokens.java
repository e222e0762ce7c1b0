package dev.lodestar.testing;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.lodestar.devstack.TestStack;
import io.restassured.path.json.JsonPath;

/** Real access tokens of the realm's demo users (password = user name), fetched once and kept until near expiry. */
public final class Tokens {

    private record Cached(String token, long expiresAt) {
    }

    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();

    private Tokens() {
    }

    /** An access token of {@code user} from the lodestar-cli client (password grant). */
    public static String of(String user) {
        Cached cached = CACHE.get(user);
        if (cached == null || System.currentTimeMillis() > cached.expiresAt()) {
            JsonPath response = given().formParams(Map.of("grant_type", "password", "client_id", "lodestar-cli",
                    "username", user, "password", user))
                    .post(TestStack.get().tokenUrl())
                    .then().statusCode(200).extract().jsonPath();
            cached = new Cached(response.getString("access_token"),
                    System.currentTimeMillis() + (response.getLong("expires_in") - 30) * 1000);
            CACHE.put(user, cached);
        }
        return cached.token();
    }

    /** An access token of the {@code lodestar-lineage} client's service account (client credentials, role lineage-producer). */
    public static String lineageProducer() {
        String key = "client:lodestar-lineage";
        Cached cached = CACHE.get(key);
        if (cached == null || System.currentTimeMillis() > cached.expiresAt()) {
            String secret = dev.lodestar.devstack.RealmFile.of(java.nio.file.Path.of(System.getProperty("lodestar.root", "..")))
                    .clientSecret(dev.lodestar.devstack.RealmFile.LINEAGE_CLIENT, System.getenv());
            JsonPath response = given().formParams(Map.of("grant_type", "client_credentials", "client_id", "lodestar-lineage",
                    "client_secret", secret))
                    .post(TestStack.get().tokenUrl())
                    .then().statusCode(200).extract().jsonPath();
            cached = new Cached(response.getString("access_token"),
                    System.currentTimeMillis() + (response.getLong("expires_in") - 30) * 1000);
            CACHE.put(key, cached);
        }
        return cached.token();
    }

    /** An access token of the {@code lodestar-inference} client's service account (client credentials). */
    public static String inferenceServer() {
        String key = "client:lodestar-inference";
        Cached cached = CACHE.get(key);
        if (cached == null || System.currentTimeMillis() > cached.expiresAt()) {
            JsonPath response = given().formParams(Map.of("grant_type", "client_credentials", "client_id", "lodestar-inference",
                    "client_secret", TestStack.get().inferenceSecret()))
                    .post(TestStack.get().tokenUrl())
                    .then().statusCode(200).extract().jsonPath();
            cached = new Cached(response.getString("access_token"),
                    System.currentTimeMillis() + (response.getLong("expires_in") - 30) * 1000);
            CACHE.put(key, cached);
        }
        return cached.token();
    }
}
