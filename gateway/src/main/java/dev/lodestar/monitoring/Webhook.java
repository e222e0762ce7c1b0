package dev.lodestar.monitoring;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.monitoring.model.WebhookEntity;

/** A webhook as the API shows it: never with its secret. */
@Type("Webhook")
@Description("An endpoint called with every alert: POST of the alert as JSON, with headers X-Lodestar-Timestamp (epoch"
        + " seconds) and X-Lodestar-Signature: sha256=<hex HMAC-SHA256 of '<timestamp>.<body>' under the secret>.")
public record Webhook(@Id @NonNull String id, @NonNull String url, @NonNull String createdBy, @NonNull Instant createdAt) {

    static Webhook of(WebhookEntity entity) {
        return new Webhook(entity.id.toString(), entity.url, entity.createdBy, entity.createdAt);
    }

    /** A webhook just created, with its secret: the only time the secret is shown. */
    @Type("WebhookCreated")
    @Description("A new webhook and its signing secret, shown this once.")
    public record Created(@NonNull Webhook webhook, @NonNull String secret) {
    }
}
