package dev.lodestar.monitoring;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.monitoring.model.WebhookDeliveryEntity;
import dev.lodestar.monitoring.model.WebhookEntity;

/**
 * Webhooks: registering them (the secret is returned once and never again; audit events show it redacted) and
 * removing them, and the deliveries the admin shows.
 */
@ApplicationScoped
@Transactional
public class Webhooks {

    private static final int MAX_URL = 2_000;
    private static final int MIN_SECRET = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EntityManager entityManager;
    private final AuditLog audit;
    private final CurrentActor actor;

    Webhooks(EntityManager entityManager, AuditLog audit, CurrentActor actor) {
        this.entityManager = entityManager;
        this.audit = audit;
        this.actor = actor;
    }

    /**
     * Registers a webhook for {@code url} (http or https), signing with {@code secret} (at least 16 characters) or,
     * without one, with 32 random bytes as hex. The only answer that carries the secret.
     */
    public Webhook.Created create(String url, String secret) {
        String user = actor.get().name();
        URI uri;
        try {
            uri = url == null || url.length() > MAX_URL ? null : new URI(url.strip());
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !uri.isAbsolute() || uri.getHost() == null
                || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw ApiException.invalid("url must be an absolute http or https URL of at most " + MAX_URL + " characters");
        }
        if (uri.getUserInfo() != null) {
            throw ApiException.invalid("url must not carry credentials; the payload is signed with the secret instead");
        }
        String key = secret;
        if (key == null || key.isEmpty()) {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            key = HexFormat.of().formatHex(bytes);
        } else if (key.length() < MIN_SECRET) {
            throw ApiException.invalid("secret must be at least " + MIN_SECRET + " characters");
        }
        WebhookEntity webhook = new WebhookEntity();
        webhook.url = uri.toString();
        webhook.secret = key;
        webhook.createdBy = user;
        webhook.createdAt = Instant.now();
        entityManager.persist(webhook);
        audit.record(AuditAction.WEBHOOK_CREATED, webhook.id.toString(), null, AuditLog.fields("url", webhook.url, "secret", key));
        return new Webhook.Created(Webhook.of(webhook), key);
    }

    /** Removes a webhook and its pending deliveries. Returns it as it was. */
    public WebhookEntity delete(String id) {
        actor.get();
        WebhookEntity webhook = entityManager.find(WebhookEntity.class, Monitors.parseId(id, "webhook"));
        if (webhook == null) {
            throw ApiException.notFound("no webhook " + id);
        }
        entityManager.createQuery("delete from WebhookDeliveryEntity d where d.webhookId = :id").setParameter("id", webhook.id)
                .executeUpdate();
        entityManager.remove(webhook);
        audit.record(AuditAction.WEBHOOK_DELETED, webhook.id.toString(), AuditLog.fields("url", webhook.url), null);
        return webhook;
    }

    /** Every webhook, oldest first. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<WebhookEntity> all() {
        return entityManager.createQuery("from WebhookEntity w order by w.id", WebhookEntity.class).getResultList();
    }

    /** The latest {@code last} deliveries, newest first, optionally of one alert. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<WebhookDelivery> deliveries(Long alertId, int last) {
        if (last < 0 || last > 1_000) {
            throw ApiException.invalid("last must be between 0 and 1000, got " + last);
        }
        var query = entityManager.createQuery("from WebhookDeliveryEntity d" + (alertId == null ? "" : " where d.alertId = :a")
                + " order by d.id desc", WebhookDeliveryEntity.class).setMaxResults(last);
        if (alertId != null) {
            query.setParameter("a", alertId);
        }
        List<WebhookDeliveryEntity> rows = query.getResultList();
        Map<Long, String> urls = all().stream().collect(Collectors.toMap(w -> w.id, w -> w.url, (a, b) -> a));
        return rows.stream().map(d -> WebhookDelivery.of(d, urls.getOrDefault(d.webhookId, "(deleted)"))).toList();
    }
}
