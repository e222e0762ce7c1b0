package dev.lodestar.retraining;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;
import org.jboss.logging.Logger;

import dev.lodestar.approvals.Promotions;
import dev.lodestar.approvals.model.PromotionRequestEntity;
import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.datasets.model.DatasetVersionEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.identity.Actor;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.lineage.LineageEdges;
import dev.lodestar.monitoring.Monitors;
import dev.lodestar.monitoring.model.AlertEntity;
import dev.lodestar.registry.model.ModelAliasEntity;
import dev.lodestar.registry.model.ModelVersionEntity;
import dev.lodestar.registry.model.ModelVersionStatus;
import dev.lodestar.registry.model.RegisteredModelEntity;
import dev.lodestar.retraining.model.RetrainingEntity;
import dev.lodestar.retraining.model.RetrainingPolicyEntity;
import dev.lodestar.retraining.model.RetrainingStatus;
import dev.lodestar.retraining.model.RetrainingTrigger;
import dev.lodestar.training.TrainingJobs;
import dev.lodestar.training.model.JobStatus;
import dev.lodestar.training.model.TrainingJobEntity;
import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Runs the closed loop, as the system, on every gateway: starts retrainings for alerts on models with an
 * {@code ON_ALERT} policy, for due schedules and for new dataset versions, and follows open retrainings until
 * their new version is READY, then opens its promotion request.
 *
 * <p>Starting locks the model's policy row, so gateways and triggers racing for one model run one after the
 * other: the second sees the first's retraining and is {@code SKIPPED} (an alert) or not started at all (a
 * schedule or dataset already handled). Each alert gets exactly one retraining row (the database checks it), and
 * at most one retraining per model is open. A start the training rules refuse (an archived experiment, a dataset
 * without the target) is recorded as {@code FAILED} with the refusal, in a transaction of its own.
 */
@ApplicationScoped
public class RetrainingLoop {


    private static final Logger LOG = Logger.getLogger(RetrainingLoop.class);
    private static final int BATCH = 20;

    private final EntityManager entityManager;
    private final TrainingJobs jobs;
    private final Promotions promotions;
    private final LineageEdges lineage;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final ManagedExecutor async;

    RetrainingLoop(EntityManager entityManager, TrainingJobs jobs, Promotions promotions, LineageEdges lineage, AuditLog audit,
            CurrentActor actor, ManagedExecutor async) {
        this.entityManager = entityManager;
        this.jobs = jobs;
        this.promotions = promotions;
        this.lineage = lineage;
        this.audit = audit;
        this.actor = actor;
        this.async = async;
    }

    /** A start the training or approval rules refused: recorded as a FAILED retraining. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** No context of the caller: the request context of the tick that raised the alert ends before the sweep does. */
    private static final ThreadContext NO_CONTEXT = ThreadContext.builder().propagated().cleared(ThreadContext.ALL_REMAINING)
            .unchanged().build();

    void onAlert(@Observes(during = TransactionPhase.AFTER_SUCCESS) Monitors.AlertRaised raised) {
        // Through the bean's proxy, so that the sweep activates a request context of its own.
        async.runAsync(NO_CONTEXT.contextualRunnable(() -> Arc.container().instance(RetrainingLoop.class).get().sweep()));
    }

    @Scheduled(every = "${lodestar.retraining.poll-every:PT5S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        sweep();
    }

    /** One pass of the loop: new alerts, due schedules, new datasets, then open retrainings. */
    @ActivateRequestContext
    public synchronized void sweep() {
        actor.actAs(Actor.SYSTEM);
        try {
            for (Object[] alert : QuarkusTransaction.requiringNew().call(this::unhandledAlerts)) {
                start(((Number) alert[1]).longValue(), RetrainingTrigger.ON_ALERT, ((Number) alert[0]).longValue());
            }
            Instant now = Instant.now();
            for (RetrainingPolicyEntity policy : QuarkusTransaction.requiringNew().call(this::policies)) {
                if (scheduleDue(policy, now)) {
                    start(policy.modelId, RetrainingTrigger.SCHEDULE, null);
                }
                if (policy.onNewDataset && QuarkusTransaction.requiringNew().call(() -> newerDataset(policy.modelId)) != null) {
                    start(policy.modelId, RetrainingTrigger.NEW_DATASET_VERSION, null);
                }
            }
            for (UUID open : QuarkusTransaction.requiringNew().call(this::open)) {
                follow(open);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "The retraining loop failed; the next poll retries");
        }
    }

    /** Alerts on models whose policy retrains on alerts, raised since the policy was set, with no retraining yet. */
    private List<Object[]> unhandledAlerts() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("select a.id, a.model_id from alert a"
                + " join retraining_policy p on p.model_id = a.model_id"
                + " where p.on_alert and a.at >= p.updated_at and not exists (select 1 from retraining r where r.alert_id = a.id)"
                + " order by a.id limit :limit").setParameter("limit", BATCH).getResultList();
        return rows;
    }

    private List<RetrainingPolicyEntity> policies() {
        return entityManager.createQuery("from RetrainingPolicyEntity p where p.scheduleEvery is not null or p.onNewDataset = true"
                + " order by p.modelId", RetrainingPolicyEntity.class).getResultList();
    }

    private List<UUID> open() {
        return entityManager.createQuery("select r.id from RetrainingEntity r where r.status = :s order by r.createdAt", UUID.class)
                .setParameter("s", RetrainingStatus.TRAINING).getResultList();
    }

    private static boolean scheduleDue(RetrainingPolicyEntity policy, Instant now) {
        if (policy.scheduleEvery == null) {
            return false;
        }
        Instant last = policy.lastScheduledAt == null ? policy.updatedAt : policy.lastScheduledAt;
        return !last.plus(RetrainingPolicies.schedule(policy.scheduleEvery)).isAfter(now);
    }

    /**
     * Starts a retraining of model {@code modelId} for {@code trigger} (and alert {@code alertId}), each outcome
     * (started, skipped, failed, or nothing when another gateway handled it first) in one transaction.
     */
    void start(long modelId, RetrainingTrigger trigger, Long alertId) {
        try {
            QuarkusTransaction.requiringNew().run(() -> begin(modelId, trigger, alertId));
        } catch (Refused e) {
            QuarkusTransaction.requiringNew().run(() -> {
                RetrainingPolicyEntity policy = lockedPolicy(modelId);
                if (policy != null && stillToDo(policy, trigger, alertId)) {
                    Plan plan = plan(policy);
                    record(policy, trigger, alertId, plan, RetrainingStatus.FAILED, null, e.getMessage());
                }
            });
        } catch (RuntimeException e) {
            LOG.errorf(e, "Starting a retraining of model %d for %s failed; the next poll retries", modelId, trigger);
        }
    }

    /** What a retraining of a policy's alias would train: the version, the source job and the newest dataset. */
    private record Plan(Integer sourceVersion, TrainingJobEntity sourceJob, DatasetVersionEntity dataset, String problem) {
    }

    private void begin(long modelId, RetrainingTrigger trigger, Long alertId) {
        RetrainingPolicyEntity policy = lockedPolicy(modelId);
        if (policy == null || !stillToDo(policy, trigger, alertId)) {
            return;
        }
        Plan plan = plan(policy);
        RetrainingEntity open = entityManager.createQuery("from RetrainingEntity r where r.modelId = :m and r.status = :s",
                RetrainingEntity.class).setParameter("m", modelId).setParameter("s", RetrainingStatus.TRAINING)
                .getResultStream().findFirst().orElse(null);
        if (open != null) {
            if (trigger == RetrainingTrigger.ON_ALERT) {
                record(policy, trigger, alertId, plan, RetrainingStatus.SKIPPED, null, "retraining " + open.id
                        + " of this model is still open");
            }
            return;
        }
        // A request to the alias still waiting for approvers: a new version could not be proposed beside it.
        var waiting = promotions.openRequest(modelId, policy.alias);
        if (waiting.isPresent()) {
            if (trigger == RetrainingTrigger.ON_ALERT) {
                record(policy, trigger, alertId, plan, RetrainingStatus.SKIPPED, null, "promotion request "
                        + waiting.get().id + " to " + policy.alias + " is still open");
            }
            return;
        }
        if (plan.problem() != null) {
            record(policy, trigger, alertId, plan, RetrainingStatus.FAILED, null, plan.problem());
            return;
        }
        TrainingJobEntity job;
        try {
            job = jobs.resubmit(plan.sourceJob().id, plan.dataset().id);
        } catch (ApiException e) {
            throw new Refused("the training job was refused: " + e.getMessage());
        }
        record(policy, trigger, alertId, plan, RetrainingStatus.TRAINING, job.id, null);
    }

    private RetrainingPolicyEntity lockedPolicy(long modelId) {
        return entityManager.find(RetrainingPolicyEntity.class, modelId, LockModeType.PESSIMISTIC_WRITE);
    }

    /** Whether the trigger still asks for a retraining, with the policy's row locked (another gateway may have acted). */
    private boolean stillToDo(RetrainingPolicyEntity policy, RetrainingTrigger trigger, Long alertId) {
        return switch (trigger) {
            case ON_ALERT -> policy.onAlert && entityManager.createQuery("select count(r) from RetrainingEntity r where r.alertId = :a",
                    Long.class).setParameter("a", alertId).getSingleResult() == 0;
            case SCHEDULE -> scheduleDue(policy, Instant.now());
            case NEW_DATASET_VERSION -> policy.onNewDataset && newerDataset(policy.modelId) != null;
        };
    }

    /**
     * The newest version of the dataset the alias's version was trained on, when it is newer than that one and no
     * retraining of the model used it yet; null otherwise.
     */
    private DatasetVersionEntity newerDataset(long modelId) {
        RetrainingPolicyEntity policy = entityManager.find(RetrainingPolicyEntity.class, modelId);
        if (policy == null) {
            return null;
        }
        Plan plan = plan(policy);
        if (plan.problem() != null || plan.dataset() == null) {
            return null;
        }
        UUID trained = jobs.datasetOf(plan.sourceJob());
        if (plan.dataset().id.equals(trained)) {
            return null;
        }
        long used = entityManager.createQuery("select count(r) from RetrainingEntity r where r.modelId = :m and r.datasetId = :d",
                Long.class).setParameter("m", modelId).setParameter("d", plan.dataset().id).getSingleResult();
        return used == 0 ? plan.dataset() : null;
    }

    private Plan plan(RetrainingPolicyEntity policy) {
        RegisteredModelEntity model = entityManager.find(RegisteredModelEntity.class, policy.modelId);
        ModelAliasEntity alias = entityManager.find(ModelAliasEntity.class, new ModelAliasEntity.Key(policy.modelId, policy.alias));
        if (alias == null) {
            return new Plan(null, null, null, "alias '" + policy.alias + "' of '" + model.name + "' points at no version");
        }
        ModelVersionEntity version = entityManager.find(ModelVersionEntity.class, new ModelVersionEntity.Key(policy.modelId, alias.version));
        TrainingJobEntity job = version.runId == null ? null
                : entityManager.createQuery("from TrainingJobEntity j where j.runId = :run", TrainingJobEntity.class)
                        .setParameter("run", version.runId).getResultStream().findFirst().orElse(null);
        if (job == null) {
            return new Plan(alias.version, null, null, "version " + alias.version + " of '" + model.name
                    + "' was not produced by a Lodestar training job, so there is no spec to train again");
        }
        DatasetVersionEntity trained = entityManager.find(DatasetVersionEntity.class, jobs.datasetOf(job));
        DatasetVersionEntity newest = trained == null ? null
                : entityManager.createQuery("from DatasetVersionEntity d where d.name = :n order by d.version desc",
                        DatasetVersionEntity.class).setParameter("n", trained.name).setMaxResults(1).getResultStream().findFirst()
                        .orElse(null);
        if (newest == null) {
            return new Plan(alias.version, job, null, "the dataset version " + jobs.datasetOf(job) + " that version "
                    + alias.version + " was trained on is gone");
        }
        return new Plan(alias.version, job, newest, null);
    }

    private void record(RetrainingPolicyEntity policy, RetrainingTrigger trigger, Long alertId, Plan plan, RetrainingStatus status,
            UUID jobId, String error) {
        Instant now = Instant.now();
        if (trigger == RetrainingTrigger.SCHEDULE) {
            policy.lastScheduledAt = now;
        }
        RetrainingEntity retraining = new RetrainingEntity();
        retraining.id = UUID.randomUUID();
        retraining.modelId = policy.modelId;
        retraining.trigger = trigger;
        retraining.alertId = alertId;
        retraining.alias = policy.alias;
        retraining.sourceVersion = plan.sourceVersion();
        retraining.datasetId = plan.dataset() == null ? null : plan.dataset().id;
        retraining.jobId = jobId;
        retraining.status = status;
        retraining.error = error;
        retraining.createdAt = now;
        retraining.finishedAt = status == RetrainingStatus.TRAINING ? null : now;
        entityManager.persist(retraining);
        audit.recordAsSystem(status == RetrainingStatus.FAILED ? AuditAction.RETRAINING_FAILED : AuditAction.RETRAINING_STARTED,
                retraining.id.toString(), null, AuditLog.fields("model", modelName(policy.modelId), "trigger", trigger.name(),
                        "alert", alertId, "alias", policy.alias, "sourceVersion", plan.sourceVersion(),
                        "dataset", retraining.datasetId == null ? null : retraining.datasetId.toString(),
                        "job", jobId == null ? null : jobId.toString(), "status", status.name()), error);
    }

    /** Moves an open retraining on: records the lineage of its run, ends it with its job, or opens its promotion request. */
    private void follow(UUID id) {
        try {
            QuarkusTransaction.requiringNew().run(() -> advance(id));
        } catch (Refused e) {
            QuarkusTransaction.requiringNew().run(() -> {
                RetrainingEntity retraining = lockedOpen(id);
                if (retraining != null) {
                    fail(retraining, e.getMessage());
                }
            });
        } catch (RuntimeException e) {
            LOG.errorf(e, "Following retraining %s failed; the next poll retries", id);
        }
    }

    private RetrainingEntity lockedOpen(UUID id) {
        @SuppressWarnings("unchecked")
        List<Object> found = entityManager.createNativeQuery("select id from retraining where id = :id and status = 'TRAINING'"
                + " for update skip locked").setParameter("id", id).getResultList();
        return found.isEmpty() ? null : entityManager.find(RetrainingEntity.class, id);
    }

    private void advance(UUID id) {
        RetrainingEntity retraining = lockedOpen(id);
        if (retraining == null) {
            return;
        }
        TrainingJobEntity job = entityManager.find(TrainingJobEntity.class, retraining.jobId);
        if (job.runId != null && retraining.alertId != null) {
            lineage.record(LineageEdges.alert(retraining.alertId), LineageEdges.run(job.runId), LineageEdges.TRIGGERED);
        }
        if (job.status == JobStatus.FAILED || job.status == JobStatus.CANCELLED) {
            fail(retraining, "training job " + job.id + " ended " + job.status + (job.error == null ? "" : ": " + job.error));
            return;
        }
        if (job.status != JobStatus.SUCCEEDED) {
            return;
        }
        RegisteredModelEntity model = entityManager.createQuery("from RegisteredModelEntity m where m.name = :n",
                RegisteredModelEntity.class).setParameter("n", job.modelName).getSingleResult();
        ModelVersionEntity version = entityManager.find(ModelVersionEntity.class, new ModelVersionEntity.Key(model.id, job.modelVersion));
        retraining.newVersion = version.version;
        if (version.status == ModelVersionStatus.PENDING_REGISTRATION) {
            return;
        }
        if (version.status != ModelVersionStatus.READY) {
            fail(retraining, "version " + version.version + " of '" + model.name + "' is " + version.status
                    + (version.statusMessage == null ? "" : ": " + version.statusMessage));
            return;
        }
        AlertEntity alert = retraining.alertId == null ? null : entityManager.find(AlertEntity.class, retraining.alertId);
        String reason = "Retraining " + retraining.id + " (" + retraining.trigger
                + (alert == null ? "" : ", alert " + alert.id + " on " + alert.deploymentName + ": " + alert.message)
                + "): version " + version.version + " trained by job " + job.id + " with the spec of version "
                + retraining.sourceVersion + " on the newest dataset version " + retraining.datasetId;
        PromotionRequestEntity request;
        try {
            request = promotions.request(model.name, version.version, retraining.alias, reason, alert == null ? null : alert.report);
        } catch (ApiException e) {
            throw new Refused("the promotion request was refused: " + e.getMessage());
        }
        retraining.status = RetrainingStatus.REQUESTED;
        retraining.promotionRequestId = request.id;
        retraining.finishedAt = Instant.now();
        audit.recordAsSystem(AuditAction.RETRAINING_REQUESTED, retraining.id.toString(), AuditLog.fields("status",
                RetrainingStatus.TRAINING.name()), AuditLog.fields("status", retraining.status.name(), "model", model.name,
                        "version", version.version, "alias", retraining.alias, "promotionRequest", request.id), null);
    }

    private void fail(RetrainingEntity retraining, String error) {
        retraining.status = RetrainingStatus.FAILED;
        retraining.error = error;
        retraining.finishedAt = Instant.now();
        audit.recordAsSystem(AuditAction.RETRAINING_FAILED, retraining.id.toString(), AuditLog.fields("status",
                RetrainingStatus.TRAINING.name()), AuditLog.fields("status", retraining.status.name(), "newVersion",
                        retraining.newVersion), error);
    }

    private String modelName(long modelId) {
        return entityManager.find(RegisteredModelEntity.class, modelId).name;
    }
}
