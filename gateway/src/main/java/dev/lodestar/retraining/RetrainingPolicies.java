package dev.lodestar.retraining;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.registry.ModelRegistry;
import dev.lodestar.registry.model.RegisteredModelEntity;
import dev.lodestar.retraining.model.RetrainingEntity;
import dev.lodestar.retraining.model.RetrainingPolicyEntity;
import dev.lodestar.retraining.model.RetrainingTrigger;

/** Retraining policies (setting and removing them, audited on the model) and the reads of retrainings. */
@ApplicationScoped
@Transactional
public class RetrainingPolicies {

    /** The alias a policy retrains and proposes to when it names none. */
    public static final String DEFAULT_ALIAS = "champion";
    private static final Duration MIN_SCHEDULE = Duration.ofMinutes(1);
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9_\\-]{0,62}");

    private final EntityManager entityManager;
    private final ModelRegistry registry;
    private final AuditLog audit;
    private final CurrentActor actor;

    RetrainingPolicies(EntityManager entityManager, ModelRegistry registry, AuditLog audit, CurrentActor actor) {
        this.entityManager = entityManager;
        this.registry = registry;
        this.audit = audit;
        this.actor = actor;
    }

    /** Sets (creates or replaces) the policy of model {@code name}. */
    public RetrainingPolicyEntity set(String name, RetrainingPolicyInput input) {
        if (input == null || input.triggers() == null || input.triggers().isEmpty()) {
            throw ApiException.invalid("triggers: give at least one of " + List.of(RetrainingTrigger.values()));
        }
        String user = actor.get().name();
        RegisteredModelEntity model = registry.lockedForChange(name);
        String alias = input.alias() == null || input.alias().isBlank() ? DEFAULT_ALIAS : checkAlias(input.alias());
        boolean schedule = input.triggers().contains(RetrainingTrigger.SCHEDULE);
        String every = null;
        if (schedule) {
            every = checkSchedule(input.scheduleEvery());
        } else if (input.scheduleEvery() != null) {
            throw ApiException.invalid("scheduleEvery is only for the SCHEDULE trigger");
        }
        RetrainingPolicyEntity policy = entityManager.find(RetrainingPolicyEntity.class, model.id);
        Map<String, Object> before = policy == null ? null : snapshot(policy);
        if (policy == null) {
            policy = new RetrainingPolicyEntity();
            policy.modelId = model.id;
        }
        policy.alias = alias;
        policy.onAlert = input.triggers().contains(RetrainingTrigger.ON_ALERT);
        policy.onNewDataset = input.triggers().contains(RetrainingTrigger.NEW_DATASET_VERSION);
        policy.scheduleEvery = every;
        policy.updatedBy = user;
        policy.updatedAt = Instant.now();
        if (before == null) {
            entityManager.persist(policy);
        }
        audit.record(AuditAction.RETRAINING_POLICY_SET, model.name, before, snapshot(policy));
        return policy;
    }

    /** Removes the policy of model {@code name}; {@code NOT_FOUND} without one. Open retrainings run to their end. */
    public RetrainingPolicyEntity delete(String name) {
        actor.get();
        RegisteredModelEntity model = registry.lockedForChange(name);
        RetrainingPolicyEntity policy = entityManager.find(RetrainingPolicyEntity.class, model.id);
        if (policy == null) {
            throw ApiException.notFound("model '" + model.name + "' has no retraining policy");
        }
        entityManager.remove(policy);
        audit.record(AuditAction.RETRAINING_POLICY_DELETED, model.name, snapshot(policy), null);
        return policy;
    }

    /** The policy of model {@code name}, or null; {@code NOT_FOUND} for an unknown model. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RetrainingPolicyEntity find(String name) {
        return entityManager.find(RetrainingPolicyEntity.class, registry.get(name).id);
    }

    /** Every policy, with its model's name. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<RetrainingPolicy> all() {
        List<RetrainingPolicyEntity> policies = entityManager.createQuery("from RetrainingPolicyEntity p order by p.modelId",
                RetrainingPolicyEntity.class).getResultList();
        Map<Long, RegisteredModelEntity> models = registry.byIds(policies.stream().map(p -> p.modelId).toList());
        return policies.stream().map(p -> RetrainingPolicy.of(p, models.get(p.modelId).name)).toList();
    }

    /** The latest {@code last} retrainings, newest first, of one model or all. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Retraining> retrainings(String name, int last) {
        if (last < 0 || last > 1_000) {
            throw ApiException.invalid("last must be between 0 and 1000, got " + last);
        }
        var query = entityManager.createQuery("from RetrainingEntity r" + (name == null ? "" : " where r.modelId = :m")
                + " order by r.createdAt desc, r.id", RetrainingEntity.class).setMaxResults(last);
        if (name != null) {
            query.setParameter("m", registry.get(name).id);
        }
        List<RetrainingEntity> rows = query.getResultList();
        Map<Long, String> names = new HashMap<>();
        registry.byIds(rows.stream().map(r -> r.modelId).distinct().toList()).forEach((id, m) -> names.put(id, m.name));
        return rows.stream().map(r -> Retraining.of(r, names.get(r.modelId))).toList();
    }

    /** The schedule as an ISO-8601 duration of at least a minute. */
    static Duration schedule(String every) {
        return Duration.parse(every);
    }

    private static String checkSchedule(String every) {
        if (every == null) {
            throw ApiException.invalid("SCHEDULE needs scheduleEvery, an ISO-8601 duration such as P1D");
        }
        Duration duration;
        try {
            duration = Duration.parse(every.strip());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("scheduleEvery: '" + every + "' is not an ISO-8601 duration such as P1D or PT6H");
        }
        if (duration.compareTo(MIN_SCHEDULE) < 0) {
            throw ApiException.invalid("scheduleEvery must be at least a minute, got " + every);
        }
        return duration.toString();
    }

    private static String checkAlias(String alias) {
        if (!ALIAS.matcher(alias).matches()) {
            throw ApiException.invalid("alias: an alias is 1 to 63 lower-case letters, digits, _ and -, starting with a letter;"
                    + " got '" + alias + "'");
        }
        return alias;
    }

    private static Map<String, Object> snapshot(RetrainingPolicyEntity policy) {
        return AuditLog.fields("alias", policy.alias, "onAlert", policy.onAlert, "scheduleEvery", policy.scheduleEvery,
                "onNewDatasetVersion", policy.onNewDataset);
    }
}
