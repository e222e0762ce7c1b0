package dev.lodestar.monitoring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import dev.lodestar.monitoring.model.DeliveryStatus;
import dev.lodestar.monitoring.model.WebhookDeliveryEntity;
import dev.lodestar.monitoring.model.WebhookEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Sends the webhook outbox. A due delivery is claimed with {@code FOR UPDATE SKIP LOCKED} and sent while its row
 * is held, so gateways sharing the database never send one twice at once; its outcome (attempts, HTTP status,
 * error, next attempt) commits with the claim. A failed attempt is retried after {@code backoff}, doubled after
 * each further failure up to {@code max-backoff}; after {@code max-attempts} the delivery is {@code FAILED}.
 * Receivers see the same body and {@code X-Lodestar-Delivery} on every attempt, so they can drop duplicates (a
 * gateway dying between the receiver's answer and the commit sends once more).
 */
@ApplicationScoped
public class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);
    private static final int MAX_ERROR = 500;

    private final EntityManager entityManager;
    private final MonitoringConfig config;
    private final ManagedExecutor async;
    private final HttpClient http;

    WebhookSender(EntityManager entityManager, MonitoringConfig config, ManagedExecutor async) {
        this.entityManager = entityManager;
        this.config = config;
        this.async = async;
        this.http = HttpClient.newBuilder().connectTimeout(config.webhooks().timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    void onAlert(@Observes(during = TransactionPhase.AFTER_SUCCESS) Monitors.AlertRaised raised) {
        async.runAsync(this::sendDue);
    }

    @Scheduled(every = "${lodestar.monitoring.webhooks.poll-every:PT1S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        sendDue();
    }

    /** Sends due deliveries until none is left; returns how many attempts were made. */
    public synchronized int sendDue() {
        int attempts = 0;
        while (true) {
            Boolean sent;
            try {
                sent = QuarkusTransaction.requiringNew().call(this::sendNext);
            } catch (RuntimeException e) {
                LOG.errorf(e, "Sending a webhook delivery failed; the next poll retries");
                return attempts;
            }
            if (!sent) {
                return attempts;
            }
            attempts++;
        }
    }

    private boolean sendNext() {
        @SuppressWarnings("unchecked")
        List<Number> due = entityManager.createNativeQuery("select id from webhook_delivery where status = 'PENDING'"
                + " and next_attempt_at <= now() order by next_attempt_at, id limit 1 for update skip locked").getResultList();
        if (due.isEmpty()) {
            return false;
        }
        WebhookDeliveryEntity delivery = entityManager.find(WebhookDeliveryEntity.class, due.get(0).longValue());
        WebhookEntity webhook = entityManager.find(WebhookEntity.class, delivery.webhookId);
        long timestamp = Instant.now().getEpochSecond();
        delivery.attempts++;
        String error;
        Integer status = null;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(webhook.url)).timeout(config.webhooks().timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Lodestar-Webhooks")
                    .header(WebhookPayloads.DELIVERY, delivery.id.toString())
                    .header(WebhookPayloads.TIMESTAMP, Long.toString(timestamp))
                    .header(WebhookPayloads.SIGNATURE, WebhookPayloads.sign(webhook.secret, timestamp, delivery.payload))
                    .POST(HttpRequest.BodyPublishers.ofString(delivery.payload)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            error = status / 100 == 2 ? null : "HTTP " + status + shorten(": " + response.body());
        } catch (IOException | IllegalArgumentException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + shorten(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        Instant now = Instant.now();
        delivery.lastStatus = status;
        delivery.lastError = error;
        if (error == null) {
            delivery.status = DeliveryStatus.DELIVERED;
            delivery.deliveredAt = now;
        } else if (delivery.attempts >= config.webhooks().maxAttempts()) {
            delivery.status = DeliveryStatus.FAILED;
            LOG.warnf("Webhook delivery %d to webhook %d failed for good after %d attempts: %s", delivery.id, webhook.id,
                    delivery.attempts, error);
        } else {
            delivery.nextAttemptAt = now.plus(backoff(delivery.attempts));
        }
        return true;
    }

    /** The wait after failed attempt number {@code attempts}: backoff, doubled per further attempt, capped. */
    Duration backoff(int attempts) {
        Duration wait = config.webhooks().backoff();
        for (int i = 1; i < attempts && wait.compareTo(config.webhooks().maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(config.webhooks().maxBackoff()) > 0 ? config.webhooks().maxBackoff() : wait;
    }

    private static String shorten(String text) {
        return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR) + "...";
    }
}
