package dev.lodestar.k8s;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A realm's discovery document and public key set on loopback: what an image's process fetches from Keycloak
 * before it can verify tokens. No token is ever issued; the images only need to find and read the keys.
 */
final class SigningKeys implements AutoCloseable {

    private final HttpServer http;

    SigningKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        String issuer = issuer();
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"test\",\"n\":\""
                + base64(key.getModulus()) + "\",\"e\":\"" + base64(key.getPublicExponent()) + "\"}]}";
        String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/protocol/openid-connect/certs\","
                + "\"authorization_endpoint\":\"" + issuer + "/protocol/openid-connect/auth\","
                + "\"token_endpoint\":\"" + issuer + "/protocol/openid-connect/token\","
                + "\"end_session_endpoint\":\"" + issuer + "/protocol/openid-connect/logout\","
                + "\"userinfo_endpoint\":\"" + issuer + "/protocol/openid-connect/userinfo\","
                + "\"introspection_endpoint\":\"" + issuer + "/protocol/openid-connect/token/introspect\","
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
        http.createContext("/realms/lodestar/.well-known/openid-configuration", e -> send(e, discovery));
        http.createContext("/realms/lodestar/protocol/openid-connect/certs", e -> send(e, jwks));
        http.start();
    }

    String issuer() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/realms/lodestar";
    }

    private static String base64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void send(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
