package dev.lodestar.monitoring;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A receiver's check of a Lodestar webhook signature, written from the documented format, not from the sender's code. */
final class WebhookSignatures {

    private WebhookSignatures() {
    }

    /** {@code sha256=} and the hex HMAC-SHA256, under {@code secret}, of {@code <timestamp>.<body>}. */
    static String expected(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
