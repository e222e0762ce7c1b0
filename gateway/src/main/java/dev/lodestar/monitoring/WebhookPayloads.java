package dev.lodestar.monitoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lodestar.monitoring.model.AlertEntity;

/**
 * What a webhook receives: the alert as JSON, and its signature. The signature is
 * {@code sha256=<hex HMAC-SHA256 over "<timestamp>.<body>">} under the webhook's secret, the timestamp (epoch
 * seconds) sent as {@code X-Lodestar-Timestamp}: a receiver checks both and refuses old timestamps, so a captured
 * request cannot be replayed later.
 */
public final class WebhookPayloads {

    /** The header carrying the signature. */
    public static final String SIGNATURE = "X-Lodestar-Signature";
    /** The header carrying the signed timestamp. */
    public static final String TIMESTAMP = "X-Lodestar-Timestamp";
    /** The header naming the delivery, the same on every attempt, so receivers can drop duplicates. */
    public static final String DELIVERY = "X-Lodestar-Delivery";

    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookPayloads() {
    }

    /** The JSON body announcing {@code alert} of model {@code model}. */
    static String of(AlertEntity alert, String model) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "alert");
        body.put("id", alert.id.toString());
        body.put("deployment", alert.deploymentName);
        body.put("model", model);
        if (alert.modelVersion != null) {
            body.put("version", alert.modelVersion);
        }
        body.put("kind", alert.kind);
        body.put("message", alert.message);
        body.put("at", alert.at.toString());
        body.put("windowStart", alert.windowStart.toString());
        body.put("windowEnd", alert.windowEnd.toString());
        if (alert.monitorId != null) {
            body.put("monitor", alert.monitorId.toString());
        }
        if (alert.report != null) {
            try {
                body.set("report", JSON.readTree(alert.report));
            } catch (IOException e) {
                throw new IllegalStateException("alert " + alert.id + " has a report that is not JSON", e);
            }
        }
        return body.toString();
    }

    /** The signature header's value for {@code body} sent at {@code timestamp} (epoch seconds). */
    public static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
