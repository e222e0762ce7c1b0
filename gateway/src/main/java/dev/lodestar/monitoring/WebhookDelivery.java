package dev.lodestar.monitoring;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.monitoring.model.DeliveryStatus;
import dev.lodestar.monitoring.model.WebhookDeliveryEntity;

/** A webhook delivery as the API shows it. */
@Type("WebhookDelivery")
@Description("One alert sent to one webhook: PENDING until the receiver answers 2xx (DELIVERED), retried with exponential"
        + " backoff, FAILED once out of attempts.")
public record WebhookDelivery(
        @Id @NonNull String id,
        @Id @NonNull String webhookId,
        @NonNull String url,
        @Id @NonNull String alertId,
        @NonNull DeliveryStatus status,
        int attempts,
        @NonNull Instant nextAttemptAt,
        @Description("The HTTP status of the last attempt, if it got one.") Integer lastStatus,
        @Description("Why the last attempt failed.") String lastError,
        Instant deliveredAt,
        @NonNull Instant createdAt) {

    static WebhookDelivery of(WebhookDeliveryEntity entity, String url) {
        return new WebhookDelivery(entity.id.toString(), entity.webhookId.toString(), url, entity.alertId.toString(), entity.status,
                entity.attempts, entity.nextAttemptAt, entity.lastStatus, entity.lastError, entity.deliveredAt, entity.createdAt);
    }
}
