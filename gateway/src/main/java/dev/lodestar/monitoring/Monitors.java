package dev.lodestar.monitoring;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.deploy.Deployments;
import dev.lodestar.deploy.model.DeploymentEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Cursors;
import dev.lodestar.graphql.Page;
import dev.lodestar.graphql.PageInfo;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.lineage.LineageEdges;
import dev.lodestar.monitoring.model.AlertEntity;
import dev.lodestar.monitoring.model.DeliveryStatus;
import dev.lodestar.monitoring.model.MonitorEntity;
import dev.lodestar.monitoring.model.MonitorKind;
import dev.lodestar.monitoring.model.WebhookDeliveryEntity;
import dev.lodestar.monitoring.model.WebhookEntity;
import dev.lodestar.registry.ModelRegistry;

/**
 * Monitors and alerts: creating and deleting monitors (each audited), raising an alert (audited as the system,
 * linked from its window in the lineage graph, queued for every webhook, all in one transaction) and the reads
 * behind the API and the admin.
 */
@ApplicationScoped
@Transactional
public class Monitors {

    /** The live performance metrics a PERFORMANCE_BELOW monitor may watch. */
    public static final Set<String> METRICS = Set.of("accuracy", "macro_f1", "rmse", "mae");

    private static final String CURSOR = "alerts";
    private static final int MAX_FEATURE = 200;

    private final EntityManager entityManager;
    private final Deployments deployments;
    private final ModelRegistry registry;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final LineageEdges lineage;
    private final Event<AlertRaised> raised;

    Monitors(EntityManager entityManager, Deployments deployments, ModelRegistry registry, AuditLog audit, CurrentActor actor,
            LineageEdges lineage, Event<AlertRaised> raised) {
        this.entityManager = entityManager;
        this.deployments = deployments;
        this.registry = registry;
        this.audit = audit;
        this.actor = actor;
        this.lineage = lineage;
        this.raised = raised;
    }

    /**
     * Fired in the transaction of a new alert; observers with {@code during = AFTER_SUCCESS} act once it committed
     * (webhook senders, the retraining loop).
     */
    public record AlertRaised(long alertId, long modelId, String deployment) {
    }

    /** Creates a monitor; {@code NOT_FOUND} for an unknown deployment, {@code INVALID_ARGUMENT} naming a wrong field. */
    public MonitorEntity create(MonitorInput input) {
        if (input == null || input.kind() == null) {
            throw ApiException.invalid("input with a kind is required");
        }
        String user = actor.get().name();
        DeploymentEntity deployment = deployments.get(input.deployment());
        MonitorEntity monitor = new MonitorEntity();
        monitor.deploymentName = deployment.name;
        monitor.kind = input.kind();
        switch (input.kind()) {
            case DATASET_DRIFT -> refuseExtra(input, false, false, false);
            case FEATURE_DRIFT -> {
                refuseExtra(input, true, false, false);
                if (input.feature() == null || input.feature().isBlank() || input.feature().length() > MAX_FEATURE) {
                    throw ApiException.invalid("FEATURE_DRIFT needs a feature (at most " + MAX_FEATURE + " characters)");
                }
                monitor.feature = input.feature().strip();
            }
            case PERFORMANCE_BELOW -> {
                refuseExtra(input, false, true, false);
                if (input.metric() == null || !METRICS.contains(input.metric())) {
                    throw ApiException.invalid("PERFORMANCE_BELOW needs a metric, one of " + METRICS.stream().sorted().toList()
                            + ", got " + input.metric());
                }
                if (input.bound() == null || !Double.isFinite(input.bound())) {
                    throw ApiException.invalid("PERFORMANCE_BELOW needs a finite bound");
                }
                monitor.metric = input.metric();
                monitor.bound = input.bound();
            }
            case VOLUME -> {
                refuseExtra(input, false, false, true);
                if (input.minRows() == null && input.maxRows() == null) {
                    throw ApiException.invalid("VOLUME needs minRows, maxRows or both");
                }
                if ((input.minRows() != null && input.minRows() < 0) || (input.maxRows() != null && input.maxRows() < 0)) {
                    throw ApiException.invalid("minRows and maxRows cannot be negative");
                }
                if (input.minRows() != null && input.maxRows() != null && input.minRows() > input.maxRows()) {
                    throw ApiException.invalid("minRows " + input.minRows() + " is above maxRows " + input.maxRows());
                }
                monitor.minRows = input.minRows() == null ? null : input.minRows().longValue();
                monitor.maxRows = input.maxRows() == null ? null : input.maxRows().longValue();
            }
        }
        monitor.createdBy = user;
        monitor.createdAt = Instant.now();
        entityManager.persist(monitor);
        audit.record(AuditAction.MONITOR_CREATED, monitor.id.toString(), null, snapshot(monitor));
        return monitor;
    }

    /** Deletes a monitor; its alerts stay. Returns it as it was. */
    public MonitorEntity delete(String id) {
        actor.get();
        MonitorEntity monitor = entityManager.find(MonitorEntity.class, parseId(id, "monitor"));
        if (monitor == null) {
            throw ApiException.notFound("no monitor " + id);
        }
        entityManager.createQuery("update AlertEntity a set a.monitorId = null where a.monitorId = :id")
                .setParameter("id", monitor.id).executeUpdate();
        entityManager.remove(monitor);
        audit.record(AuditAction.MONITOR_DELETED, monitor.id.toString(), snapshot(monitor), null);
        return monitor;
    }

    /** The monitors of a deployment (or of all deployments), oldest first. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<MonitorEntity> monitors(String deployment) {
        var query = entityManager.createQuery("from MonitorEntity m" + (deployment == null ? "" : " where m.deploymentName = :d")
                + " order by m.deploymentName, m.id", MonitorEntity.class);
        if (deployment != null) {
            query.setParameter("d", deployment);
        }
        return query.getResultList();
    }

    /**
     * Raises an alert of {@code monitor} on window [{@code start}, {@code end}) in the caller's transaction: the
     * row, the audit event (as the system), the lineage edge from the window and one outbox row per webhook. Null
     * when this monitor already raised one on this window.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public AlertEntity raise(MonitorEntity monitor, long modelId, Integer version, Instant start, Instant end, String message,
            String reportJson) {
        Long existing = entityManager.createQuery("select a.id from AlertEntity a where a.monitorId = :m and a.windowStart = :s",
                Long.class).setParameter("m", monitor.id).setParameter("s", start).getResultStream().findFirst().orElse(null);
        if (existing != null) {
            return null;
        }
        AlertEntity alert = new AlertEntity();
        alert.monitorId = monitor.id;
        alert.deploymentName = monitor.deploymentName;
        alert.modelId = modelId;
        alert.modelVersion = version;
        alert.kind = monitor.kind.name();
        alert.message = message;
        alert.windowStart = start;
        alert.windowEnd = end;
        alert.report = reportJson;
        alert.at = Instant.now();
        entityManager.persist(alert);
        audit.recordAsSystem(AuditAction.ALERT_RAISED, alert.id.toString(), null, AuditLog.fields("monitor", monitor.id,
                "deployment", alert.deploymentName, "kind", alert.kind, "version", version, "windowStart", start.toString(),
                "windowEnd", end.toString()), message);
        if (version != null) {
            lineage.record(LineageEdges.window(alert.deploymentName, version, start), LineageEdges.alert(alert.id), LineageEdges.RAISED);
        }
        List<WebhookEntity> webhooks = entityManager.createQuery("from WebhookEntity w order by w.id", WebhookEntity.class)
                .getResultList();
        String payload = webhooks.isEmpty() ? null : WebhookPayloads.of(alert, registry.byIds(List.of(modelId)).get(modelId).name);
        for (WebhookEntity webhook : webhooks) {
            WebhookDeliveryEntity delivery = new WebhookDeliveryEntity();
            delivery.webhookId = webhook.id;
            delivery.alertId = alert.id;
            delivery.payload = payload;
            delivery.status = DeliveryStatus.PENDING;
            delivery.nextAttemptAt = alert.at;
            delivery.createdAt = alert.at;
            entityManager.persist(delivery);
        }
        raised.fire(new AlertRaised(alert.id, modelId, alert.deploymentName));
        return alert;
    }

    /** The alert, or {@code NOT_FOUND}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public AlertEntity alert(long id) {
        AlertEntity alert = entityManager.find(AlertEntity.class, id);
        if (alert == null) {
            throw ApiException.notFound("no alert " + id);
        }
        return alert;
    }

    /** A page of alerts, newest first, of one deployment or all. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public AlertConnection page(String deployment, Page page) {
        long before = Cursors.decodeId(CURSOR, page.after());
        String filter = deployment == null ? "" : " and a.deploymentName = :d";
        var query = entityManager.createQuery("from AlertEntity a where a.id < :before" + filter + " order by a.id desc",
                AlertEntity.class).setParameter("before", before).setMaxResults(page.first() + 1);
        var count = entityManager.createQuery("select count(a) from AlertEntity a where 1 = 1" + filter, Long.class);
        if (deployment != null) {
            query.setParameter("d", deployment);
            count.setParameter("d", deployment);
        }
        List<AlertEntity> rows = query.getResultList();
        List<Alert> alerts = toApi(rows.stream().limit(page.first()).toList());
        List<AlertConnection.AlertEdge> edges = alerts.stream()
                .map(a -> new AlertConnection.AlertEdge(a, Cursors.encode(CURSOR, a.id()))).toList();
        return new AlertConnection(edges, PageInfo.of(edges.stream().map(e -> e.cursor()).toList(), rows.size() > page.first(),
                page.after() != null), count::getSingleResult);
    }

    /** API views of alerts, with their models' names in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Alert> toApi(Collection<AlertEntity> alerts) {
        Map<Long, String> names = new HashMap<>();
        registry.byIds(alerts.stream().map(a -> a.modelId).distinct().toList()).forEach((id, m) -> names.put(id, m.name));
        return alerts.stream().map(a -> Alert.of(a, names.get(a.modelId))).toList();
    }

    /** True for the error metrics, where a monitor fires above its bound. */
    static boolean lowerIsBetter(String metric) {
        return "rmse".equals(metric) || "mae".equals(metric);
    }

    static Map<String, Object> snapshot(MonitorEntity monitor) {
        return AuditLog.fields("deployment", monitor.deploymentName, "kind", monitor.kind.name(), "feature", monitor.feature,
                "metric", monitor.metric, "bound", monitor.bound, "minRows", monitor.minRows, "maxRows", monitor.maxRows);
    }

    static long parseId(String id, String what) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException | NullPointerException e) {
            throw ApiException.invalid("'" + id + "' is not a " + what + " id");
        }
    }

    private static void refuseExtra(MonitorInput input, boolean feature, boolean performance, boolean volume) {
        MonitorKind kind = input.kind();
        if (!feature && input.feature() != null) {
            throw ApiException.invalid("feature is only for FEATURE_DRIFT, not " + kind);
        }
        if (!performance && (input.metric() != null || input.bound() != null)) {
            throw ApiException.invalid("metric and bound are only for PERFORMANCE_BELOW, not " + kind);
        }
        if (!volume && (input.minRows() != null || input.maxRows() != null)) {
            throw ApiException.invalid("minRows and maxRows are only for VOLUME, not " + kind);
        }
    }
}
