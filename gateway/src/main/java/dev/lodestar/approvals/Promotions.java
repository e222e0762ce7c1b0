package dev.lodestar.approvals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.approvals.model.ApprovalEntity;
import dev.lodestar.approvals.model.PromotionRequestEntity;
import dev.lodestar.approvals.model.PromotionStatus;
import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.experiments.Metric;
import dev.lodestar.experiments.RunService;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Cursors;
import dev.lodestar.graphql.ErrorCode;
import dev.lodestar.graphql.Page;
import dev.lodestar.graphql.PageInfo;
import dev.lodestar.identity.Actor;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.lineage.LineageEdges;
import dev.lodestar.registry.ModelCard;
import dev.lodestar.registry.ModelDescriptions;
import dev.lodestar.registry.ModelRegistry;
import dev.lodestar.registry.ModelVersion;
import dev.lodestar.registry.model.ModelAliasEntity;
import dev.lodestar.registry.model.ModelVersionEntity;
import dev.lodestar.registry.model.ModelVersionStatus;
import dev.lodestar.registry.model.RegisteredModelEntity;
import io.quarkus.scheduler.Scheduled;

/**
 * Four-eyes promotion of model versions to protected aliases.
 *
 * <p>A data scientist opens a request with a reason; the evidence approvers decide on (metrics, model card,
 * artifact) is captured with it. Approvers other than the requester approve it, each once; the approval that
 * reaches the model's required count moves the alias in the same transaction, recording the lineage edge
 * {@code APPROVED} from the version to the request. Rejection needs a reason; the
 * requester may cancel; requests left open past their expiry time expire.
 *
 * <p>Every decision locks the request's row first ({@code SELECT ... FOR UPDATE}), so decisions on one request
 * run one after the other and each sees the outcome of the one before: two approvers racing, or an approval
 * racing a cancellation, end in exactly one consistent outcome. Opening a request locks the model's row, so two
 * requests for one alias cannot both open (a partial unique index backs this up).
 */
@ApplicationScoped
@Transactional
public class Promotions {

    private static final String CURSOR = "promotion-requests";
    private static final int MAX_TEXT = 2_000;

    private final EntityManager entityManager;
    private final ModelRegistry registry;
    private final RunService runs;
    private final AuditLog audit;
    private final CurrentActor currentActor;
    private final ApprovalsConfig config;
    private final ObjectMapper json;
    private final ModelDescriptions descriptions;
    private final LineageEdges lineage;

    Promotions(EntityManager entityManager, ModelRegistry registry, RunService runs, AuditLog audit, CurrentActor currentActor,
            ApprovalsConfig config, ObjectMapper json, ModelDescriptions descriptions, LineageEdges lineage) {
        this.lineage = lineage;
        this.entityManager = entityManager;
        this.registry = registry;
        this.runs = runs;
        this.audit = audit;
        this.currentActor = currentActor;
        this.config = config;
        this.json = json;
        this.descriptions = descriptions;
    }

    /** Opens a request to point protected alias {@code alias} of model {@code name} at {@code version}. */
    public PromotionRequestEntity request(String name, int version, String alias, String reason) {
        return request(name, version, alias, reason, null);
    }

    /**
     * Opens a request like {@link #request(String, int, String, String)}, with a drift report (JSON) in its
     * evidence: what retraining opens, as the system, for approvers to decide on.
     */
    public PromotionRequestEntity request(String name, int version, String alias, String reason, String drift) {
        Actor actor = currentActor.get();
        RegisteredModelEntity model = registry.lockedForChange(name);
        String checkedReason = required("reason", reason);
        if (!model.isProtected(alias)) {
            throw ApiException.invalid("alias '" + alias + "' of '" + model.name + "' is not protected (protected: "
                    + String.join(", ", model.protectedAliases) + "); set it directly with setAlias");
        }
        ModelVersionEntity target = registry.getVersion(model, version);
        if (target.status != ModelVersionStatus.READY) {
            throw ApiException.conflict("version " + version + " of '" + model.name + "' is " + target.status
                    + "; only READY versions can be promoted");
        }
        ModelAliasEntity current = entityManager.find(ModelAliasEntity.class, new ModelAliasEntity.Key(model.id, alias));
        if (current != null && current.version == version) {
            throw ApiException.conflict("'" + alias + "' of '" + model.name + "' already points at version " + version);
        }
        openRequest(model.id, alias).ifPresent(open -> {
            throw ApiException.conflict("request " + open.id + " to move '" + alias + "' of '" + model.name
                    + "' is still open; it must be decided or cancelled first");
        });
        Instant now = Instant.now();
        PromotionRequestEntity request = new PromotionRequestEntity();
        request.modelId = model.id;
        request.version = version;
        request.alias = alias;
        request.reason = checkedReason;
        request.status = PromotionStatus.OPEN;
        request.requestedBy = actor.name();
        request.requestedBySubject = actor.subject();
        request.requiredApprovals = model.requiredApprovals;
        request.evidence = write(evidence(model, target, drift));
        request.createdAt = now;
        request.expiresAt = now.plus(config.expireAfter());
        entityManager.persist(request);
        audit.record(AuditAction.PROMOTION_REQUESTED, request.id.toString(), null, AuditLog.fields(
                "model", model.name, "version", version, "alias", alias, "fromVersion", current == null ? null : current.version,
                "requiredApprovals", request.requiredApprovals, "expiresAt", request.expiresAt.toString()), checkedReason);
        return request;
    }

    /**
     * Approves a request as the current approver. The approval that completes the count moves the alias. The
     * requester cannot approve their own request, and nobody approves twice.
     */
    public PromotionRequestEntity approve(long requestId, String comment) {
        Actor actor = currentActor.get();
        PromotionRequestEntity request = lockedOpen(requestId, "approved");
        if (request.requestedBySubject.equals(actor.subject())) {
            throw new ApiException(ErrorCode.FORBIDDEN, "four eyes: you opened request " + requestId
                    + ", so someone else must approve it");
        }
        if (entityManager.find(ApprovalEntity.class, new ApprovalEntity.Key(requestId, actor.subject())) != null) {
            throw ApiException.conflict("you already approved request " + requestId + "; an approver counts once");
        }
        Instant now = Instant.now();
        ApprovalEntity approval = new ApprovalEntity();
        approval.requestId = requestId;
        approval.approverSubject = actor.subject();
        approval.approver = actor.name();
        approval.comment = optional("comment", comment);
        approval.at = now;
        entityManager.persist(approval);
        long given = entityManager.createQuery("select count(a) from ApprovalEntity a where a.requestId = :id", Long.class)
                .setParameter("id", requestId).getSingleResult();
        audit.record(AuditAction.PROMOTION_APPROVAL_GIVEN, request.id.toString(), AuditLog.fields("approvals", given - 1),
                AuditLog.fields("approvals", given, "requiredApprovals", request.requiredApprovals), approval.comment);
        if (given >= request.requiredApprovals) {
            RegisteredModelEntity model = registry.lockedForChange(modelName(request));
            lineage.record(LineageEdges.modelVersion(model.name, request.version), LineageEdges.approval(request.id), LineageEdges.APPROVED);
            registry.promote(model, request.alias, request.version, request.id);
            close(request, PromotionStatus.APPROVED, actor.name(), null, now);
        }
        return request;
    }

    /** Rejects a request as the current approver, with the reason the requester will read. */
    public PromotionRequestEntity reject(long requestId, String reason) {
        Actor actor = currentActor.get();
        String checkedReason = required("reason", reason);
        PromotionRequestEntity request = lockedOpen(requestId, "rejected");
        if (request.requestedBySubject.equals(actor.subject())) {
            throw new ApiException(ErrorCode.FORBIDDEN, "four eyes: you opened request " + requestId
                    + ", so someone else decides on it; cancel it instead");
        }
        return close(request, PromotionStatus.REJECTED, actor.name(), checkedReason, Instant.now());
    }

    /** Cancels a request; only the person who opened it may. */
    public PromotionRequestEntity cancel(long requestId) {
        Actor actor = currentActor.get();
        PromotionRequestEntity request = lockedOpen(requestId, "cancelled");
        if (!request.requestedBySubject.equals(actor.subject())) {
            throw new ApiException(ErrorCode.FORBIDDEN, "only " + request.requestedBy + ", who opened request " + requestId
                    + ", can cancel it");
        }
        return close(request, PromotionStatus.CANCELLED, actor.name(), null, Instant.now());
    }

    /**
     * Expires up to {@code limit} open requests past their expiry time, skipping any another decision holds;
     * returns how many expired.
     */
    public int expireDue(int limit) {
        @SuppressWarnings("unchecked")
        List<Number> due = entityManager.createNativeQuery("select id from promotion_request where status = 'OPEN'"
                + " and expires_at <= now() order by id limit :limit for update skip locked")
                .setParameter("limit", limit).getResultList();
        Instant now = Instant.now();
        for (Number id : due) {
            PromotionRequestEntity request = entityManager.find(PromotionRequestEntity.class, id.longValue());
            request.status = PromotionStatus.EXPIRED;
            request.decidedAt = now;
            request.decidedBy = Actor.SYSTEM.name();
            audit.recordAsSystem(AuditAction.PROMOTION_EXPIRED, request.id.toString(), AuditLog.fields("status", PromotionStatus.OPEN.name()),
                    AuditLog.fields("status", PromotionStatus.EXPIRED.name(), "expiresAt", request.expiresAt.toString()), null);
        }
        return due.size();
    }

    @Scheduled(every = "${lodestar.approvals.sweep-every:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expireSweep() {
        expireDue(500);
    }

    /** The request, or {@code NOT_FOUND}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public PromotionRequestEntity get(long requestId) {
        PromotionRequestEntity request = entityManager.find(PromotionRequestEntity.class, requestId);
        if (request == null) {
            throw ApiException.notFound("no promotion request " + requestId);
        }
        return request;
    }

    /** A page of requests, newest first, optionally of one status. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public PromotionRequestConnection page(PromotionStatus status, Page page) {
        long before = Cursors.decodeId(CURSOR, page.after());
        String filter = status == null ? "" : " and r.status = :status";
        var query = entityManager.createQuery("from PromotionRequestEntity r where r.id < :before" + filter + " order by r.id desc",
                PromotionRequestEntity.class).setParameter("before", before).setMaxResults(page.first() + 1);
        var count = entityManager.createQuery("select count(r) from PromotionRequestEntity r where 1 = 1" + filter, Long.class);
        if (status != null) {
            query.setParameter("status", status);
            count.setParameter("status", status);
        }
        List<PromotionRequestEntity> rows = query.getResultList();
        List<PromotionRequest> requests = toApi(rows.stream().limit(page.first()).toList());
        List<PromotionRequestConnection.PromotionRequestEdge> edges = requests.stream()
                .map(r -> new PromotionRequestConnection.PromotionRequestEdge(r, Cursors.encode(CURSOR, r.id()))).toList();
        return new PromotionRequestConnection(edges, PageInfo.of(edges.stream().map(e -> e.cursor()).toList(), rows.size() > page.first(),
                page.after() != null), count::getSingleResult);
    }

    /** API views of requests, with their models' names in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<PromotionRequest> toApi(Collection<PromotionRequestEntity> requests) {
        Map<Long, RegisteredModelEntity> models = registry.byIds(requests.stream().map(r -> r.modelId).distinct().toList());
        return requests.stream().map(r -> PromotionRequest.of(r, models.get(r.modelId).name)).toList();
    }

    /** The approvals of several requests, oldest first, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<Long, List<Approval>> approvalsOf(Collection<Long> requestIds) {
        Map<Long, List<Approval>> approvals = new HashMap<>();
        if (!requestIds.isEmpty()) {
            entityManager.createQuery("from ApprovalEntity a where a.requestId in :ids order by a.at", ApprovalEntity.class)
                    .setParameter("ids", requestIds).getResultList()
                    .forEach(a -> approvals.computeIfAbsent(a.requestId, k -> new ArrayList<>()).add(new Approval(a.approver, a.comment, a.at)));
        }
        return approvals;
    }

    /** Reads evidence stored with a request. */
    public PromotionEvidence evidence(String stored) {
        try {
            return json.readValue(stored, PromotionEvidence.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored promotion evidence is not valid JSON", e);
        }
    }

    private PromotionEvidence evidence(RegisteredModelEntity model, ModelVersionEntity version, String drift) {
        ModelVersion described = registry.toApi(List.of(version)).get(0);
        List<Metric> metrics = version.runId == null ? List.of() : runs.latestMetricsOf(List.of(version.runId)).getOrDefault(version.runId, List.of());
        ModelCard card = descriptions.cardOf(version);
        return new PromotionEvidence(metrics, card, described.artifactSha256(), version.format, described.runId(), drift);
    }

    /** The open promotion request to a model's alias, if there is one (there is at most one). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<PromotionRequestEntity> openRequest(long modelId, String alias) {
        return entityManager.createQuery("from PromotionRequestEntity r where r.modelId = :model and r.alias = :alias"
                + " and r.status = :open", PromotionRequestEntity.class)
                .setParameter("model", modelId).setParameter("alias", alias).setParameter("open", PromotionStatus.OPEN)
                .getResultStream().findFirst();
    }

    /** The request, its row locked, still open and not expired; otherwise {@code CONFLICT} naming its state. */
    private PromotionRequestEntity lockedOpen(long requestId, String decision) {
        PromotionRequestEntity request = entityManager.find(PromotionRequestEntity.class, requestId, LockModeType.PESSIMISTIC_WRITE);
        if (request == null) {
            throw ApiException.notFound("no promotion request " + requestId);
        }
        if (request.status != PromotionStatus.OPEN) {
            throw ApiException.conflict("request " + requestId + " is already " + request.status
                    + (request.decidedBy == null ? "" : " (by " + request.decidedBy + ")") + "; it cannot be " + decision);
        }
        if (!request.expiresAt.isAfter(Instant.now())) {
            throw ApiException.conflict("request " + requestId + " expired at " + request.expiresAt + "; open a new one");
        }
        return request;
    }

    private PromotionRequestEntity close(PromotionRequestEntity request, PromotionStatus outcome, String by, String reason, Instant at) {
        request.status = outcome;
        request.decidedAt = at;
        request.decidedBy = by;
        request.decisionReason = reason;
        AuditAction action = switch (outcome) {
            case APPROVED -> AuditAction.PROMOTION_APPROVED;
            case REJECTED -> AuditAction.PROMOTION_REJECTED;
            case CANCELLED -> AuditAction.PROMOTION_CANCELLED;
            default -> throw new IllegalArgumentException("not a decision: " + outcome);
        };
        audit.record(action, request.id.toString(), AuditLog.fields("status", PromotionStatus.OPEN.name()),
                AuditLog.fields("status", outcome.name(), "model", modelName(request), "version", request.version,
                        "alias", request.alias), reason);
        return request;
    }

    private String modelName(PromotionRequestEntity request) {
        return registry.byIds(List.of(request.modelId)).get(request.modelId).name;
    }

    private static String required(String what, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalid(what + " is required");
        }
        return optional(what, value.strip());
    }

    private static String optional(String what, String value) {
        if (value != null && value.length() > MAX_TEXT) {
            throw ApiException.invalid(what + " is at most " + MAX_TEXT + " characters");
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    private String write(PromotionEvidence evidence) {
        try {
            return json.writeValueAsString(evidence);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write promotion evidence", e);
        }
    }
}
