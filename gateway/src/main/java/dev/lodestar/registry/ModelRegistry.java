package dev.lodestar.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import dev.lodestar.artifacts.ArtifactService;
import dev.lodestar.artifacts.model.ArtifactEntity;
import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.experiments.RunService;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Cursors;
import dev.lodestar.graphql.ErrorCode;
import dev.lodestar.graphql.Page;
import dev.lodestar.graphql.PageInfo;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.registry.model.ModelAliasEntity;
import dev.lodestar.registry.model.ModelVersionEntity;
import dev.lodestar.registry.model.ModelVersionStatus;
import dev.lodestar.registry.model.ModelVersionTagEntity;
import dev.lodestar.registry.model.RegisteredModelEntity;
import dev.lodestar.registry.model.RegisteredModelTagEntity;

/**
 * The model registry's rules: registered models and their policy, numbered versions registered from artifacts,
 * tags, model cards and aliases. Protected aliases never move here; only an approved promotion moves them
 * ({@link #promote}). Every change is audited in its transaction.
 */
@ApplicationScoped
@Transactional
public class ModelRegistry {

    private static final String MODELS_CURSOR = "models";
    private static final String VERSIONS_CURSOR = "model-versions";

    private final EntityManager entityManager;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final ArtifactService artifacts;
    private final RunService runs;
    private final Event<VersionCreated> versionCreated;
    private final Event<AliasMoved> aliasMoved;

    ModelRegistry(EntityManager entityManager, AuditLog audit, CurrentActor actor, ArtifactService artifacts,
            RunService runs, Event<VersionCreated> versionCreated, Event<AliasMoved> aliasMoved) {
        this.entityManager = entityManager;
        this.audit = audit;
        this.actor = actor;
        this.artifacts = artifacts;
        this.runs = runs;
        this.versionCreated = versionCreated;
        this.aliasMoved = aliasMoved;
    }

    /** Fired when a version was created, once its transaction committed: registration can start. */
    public record VersionCreated(long modelId, int version) {
    }

    /**
     * Fired synchronously, inside the transaction of the change, whenever an alias moves or is removed: the one
     * place aliases change. Observers ({@code @Observes}, not async, not after completion) act in the same
     * transaction, so what follows the alias commits with the move or not at all; an observer's exception
     * refuses the move.
     *
     * @param model  the model, its row locked for the change
     * @param alias  the alias
     * @param from   the version it pointed at before, or null if it is new
     * @param to     the version it points at now, or null if it was removed
     * @param reason what moved it, for people (e.g. {@code promotion request 12}), or null for a direct change
     * @param requestId the approved promotion request that moved it, or null for a direct change
     */
    public record AliasMoved(RegisteredModelEntity model, String alias, Integer from, Integer to, String reason, Long requestId) {
    }

    public RegisteredModelEntity create(String name, String description) {
        String checkedName = RegistryRules.modelName(name);
        holdName(checkedName);
        if (find(checkedName) != null) {
            throw ApiException.conflict("a model named '" + checkedName + "' is already registered");
        }
        Instant now = Instant.now();
        RegisteredModelEntity model = new RegisteredModelEntity();
        model.name = checkedName;
        model.description = RegistryRules.text("description", description, RegistryRules.MAX_DESCRIPTION);
        model.owner = actor.get().name();
        model.createdAt = now;
        model.updatedAt = now;
        entityManager.persist(model);
        audit.record(AuditAction.MODEL_CREATED, model.name, null, AuditLog.fields("name", model.name,
                "description", model.description, "requiredApprovals", model.requiredApprovals,
                "protectedAliases", List.of(model.protectedAliases)));
        return model;
    }

    public RegisteredModelEntity describe(String name, String description) {
        RegisteredModelEntity model = lockedForChange(name);
        String before = model.description;
        model.description = RegistryRules.text("description", description, RegistryRules.MAX_DESCRIPTION);
        model.updatedAt = Instant.now();
        audit.record(AuditAction.MODEL_UPDATED, model.name, AuditLog.fields("description", before),
                AuditLog.fields("description", model.description));
        return model;
    }

    /** Sets how many approvals promotions need and which aliases are protected. For admins only (see the API). */
    public RegisteredModelEntity setPolicy(String name, int requiredApprovals, List<String> protectedAliases) {
        RegisteredModelEntity model = lockedForChange(name);
        if (requiredApprovals < 1 || requiredApprovals > 10) {
            throw ApiException.invalid("requiredApprovals must be between 1 and 10, got " + requiredApprovals);
        }
        LinkedHashSet<String> aliases = new LinkedHashSet<>();
        for (String alias : protectedAliases) {
            aliases.add(RegistryRules.alias(alias));
        }
        Map<String, Object> before = AuditLog.fields("requiredApprovals", model.requiredApprovals,
                "protectedAliases", List.of(model.protectedAliases));
        model.requiredApprovals = requiredApprovals;
        model.protectedAliases = aliases.toArray(String[]::new);
        model.updatedAt = Instant.now();
        audit.record(AuditAction.MODEL_POLICY_CHANGED, model.name, before,
                AuditLog.fields("requiredApprovals", requiredApprovals, "protectedAliases", List.copyOf(aliases)));
        return model;
    }

    public RegisteredModelEntity setTag(String name, String key, String value) {
        RegisteredModelEntity model = lockedForChange(name);
        String checkedKey = RegistryRules.required("tag key", key, 250);
        String checkedValue = RegistryRules.text("tag value", value == null ? "" : value, 5_000);
        RegisteredModelTagEntity tag = entityManager.find(RegisteredModelTagEntity.class,
                new RegisteredModelTagEntity.Key(model.id, checkedKey));
        String before = tag == null ? null : tag.value;
        if (tag == null) {
            tag = new RegisteredModelTagEntity();
            tag.modelId = model.id;
            tag.key = checkedKey;
            tag.value = checkedValue;
            entityManager.persist(tag);
        } else {
            tag.value = checkedValue;
        }
        audit.record(AuditAction.MODEL_TAG_SET, model.name, before == null ? null : Map.of("tags", Map.of(checkedKey, before)),
                Map.of("tags", Map.of(checkedKey, checkedValue)));
        return model;
    }

    public RegisteredModelEntity deleteTag(String name, String key) {
        RegisteredModelEntity model = lockedForChange(name);
        RegisteredModelTagEntity tag = entityManager.find(RegisteredModelTagEntity.class, new RegisteredModelTagEntity.Key(model.id, key));
        if (tag == null) {
            throw ApiException.notFound("model '" + name + "' has no tag '" + key + "'");
        }
        entityManager.remove(tag);
        audit.record(AuditAction.MODEL_TAG_DELETED, model.name, Map.of("tags", Map.of(key, tag.value)), null);
        return model;
    }

    /**
     * Creates the next version of a model from an artifact, waiting for registration
     * ({@code PENDING_REGISTRATION}); the artifact is checked and inspected right after the transaction commits.
     */
    public ModelVersionEntity createVersion(String name, String artifactId, String runId, String description) {
        RegisteredModelEntity model = lockedForChange(name);
        ArtifactEntity artifact = artifacts.get(artifactId);
        UUID run = runId == null ? null : runs.get(runId).id;
        Integer last = entityManager.createQuery("select max(v.version) from ModelVersionEntity v where v.modelId = :model",
                Integer.class).setParameter("model", model.id).getSingleResult();
        Instant now = Instant.now();
        ModelVersionEntity version = new ModelVersionEntity();
        version.modelId = model.id;
        version.version = last == null ? 1 : last + 1;
        version.status = ModelVersionStatus.PENDING_REGISTRATION;
        version.artifactId = artifact.id;
        version.runId = run;
        version.description = RegistryRules.text("description", description, RegistryRules.MAX_DESCRIPTION);
        version.createdBy = actor.get().name();
        version.createdAt = now;
        version.updatedAt = now;
        entityManager.persist(version);
        model.updatedAt = now;
        audit.record(AuditAction.MODEL_VERSION_CREATED, versionId(model, version.version), null,
                AuditLog.fields("artifactId", artifact.id.toString(), "sha256", artifact.sha256, "size", artifact.size,
                        "runId", runId, "status", version.status.name()));
        versionCreated.fire(new VersionCreated(model.id, version.version));
        return version;
    }

    public ModelVersionEntity describeVersion(String name, int number, String description) {
        RegisteredModelEntity model = lockedForChange(name);
        ModelVersionEntity version = getVersion(model, number);
        String before = version.description;
        version.description = RegistryRules.text("description", description, RegistryRules.MAX_DESCRIPTION);
        version.updatedAt = Instant.now();
        audit.record(AuditAction.MODEL_VERSION_UPDATED, versionId(model, number), AuditLog.fields("description", before),
                AuditLog.fields("description", version.description));
        return version;
    }

    public ModelVersionEntity setCard(String name, int number, ModelCardInput card) {
        RegisteredModelEntity model = lockedForChange(name);
        ModelVersionEntity version = getVersion(model, number);
        Map<String, Object> before = cardFields(version);
        version.cardIntendedUse = RegistryRules.text("intendedUse", card.intendedUse(), RegistryRules.MAX_CARD_SECTION);
        version.cardTrainingData = RegistryRules.text("trainingData", card.trainingData(), RegistryRules.MAX_CARD_SECTION);
        version.cardEvaluation = RegistryRules.text("evaluation", card.evaluation(), RegistryRules.MAX_CARD_SECTION);
        version.cardLimitations = RegistryRules.text("limitations", card.limitations(), RegistryRules.MAX_CARD_SECTION);
        version.updatedAt = Instant.now();
        audit.record(AuditAction.MODEL_VERSION_UPDATED, versionId(model, number), Map.of("card", before),
                Map.of("card", cardFields(version)));
        return version;
    }

    public ModelVersionEntity setVersionTag(String name, int number, String key, String value) {
        RegisteredModelEntity model = lockedForChange(name);
        getVersion(model, number);
        String checkedKey = RegistryRules.required("tag key", key, 250);
        String checkedValue = RegistryRules.text("tag value", value == null ? "" : value, 5_000);
        ModelVersionTagEntity tag = entityManager.find(ModelVersionTagEntity.class,
                new ModelVersionTagEntity.Key(model.id, number, checkedKey));
        String before = tag == null ? null : tag.value;
        if (tag == null) {
            tag = new ModelVersionTagEntity();
            tag.modelId = model.id;
            tag.version = number;
            tag.key = checkedKey;
            tag.value = checkedValue;
            entityManager.persist(tag);
        } else {
            tag.value = checkedValue;
        }
        audit.record(AuditAction.MODEL_VERSION_TAG_SET, versionId(model, number),
                before == null ? null : Map.of("tags", Map.of(checkedKey, before)), Map.of("tags", Map.of(checkedKey, checkedValue)));
        return getVersion(model, number);
    }

    public ModelVersionEntity deleteVersionTag(String name, int number, String key) {
        RegisteredModelEntity model = lockedForChange(name);
        ModelVersionEntity version = getVersion(model, number);
        ModelVersionTagEntity tag = entityManager.find(ModelVersionTagEntity.class, new ModelVersionTagEntity.Key(model.id, number, key));
        if (tag == null) {
            throw ApiException.notFound("version " + number + " of '" + name + "' has no tag '" + key + "'");
        }
        entityManager.remove(tag);
        audit.record(AuditAction.MODEL_VERSION_TAG_DELETED, versionId(model, number), Map.of("tags", Map.of(key, tag.value)), null);
        return version;
    }

    /** Points an unprotected alias at a registered version. A protected alias is {@code FORBIDDEN} here. */
    public ModelVersionEntity setAlias(String name, String alias, int number) {
        RegisteredModelEntity model = lockedForChange(name);
        String checkedAlias = RegistryRules.alias(alias);
        if (model.isProtected(checkedAlias)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "alias '" + checkedAlias + "' of '" + model.name
                    + "' is protected: it moves only through an approved promotion (requestPromotion)");
        }
        return point(model, checkedAlias, number, null);
    }

    /** Removes an unprotected alias. A protected alias is {@code FORBIDDEN} here. */
    public RegisteredModelEntity deleteAlias(String name, String alias) {
        RegisteredModelEntity model = lockedForChange(name);
        if (model.isProtected(alias)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "alias '" + alias + "' of '" + model.name
                    + "' is protected: it cannot be removed by hand");
        }
        ModelAliasEntity existing = entityManager.find(ModelAliasEntity.class, new ModelAliasEntity.Key(model.id, alias));
        if (existing == null) {
            throw ApiException.notFound("model '" + name + "' has no alias '" + alias + "'");
        }
        entityManager.remove(existing);
        model.updatedAt = Instant.now();
        audit.record(AuditAction.ALIAS_DELETED, model.name, Map.of("aliases", Map.of(alias, existing.version)), null);
        aliasMoved.fire(new AliasMoved(model, alias, existing.version, null, null, null));
        return model;
    }

    /**
     * Moves an alias, protected or not, as the outcome of approved promotion {@code requestId}. Called only by
     * approvals, inside the transaction that records the last approval.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public ModelVersionEntity promote(RegisteredModelEntity model, String alias, int number, long requestId) {
        return point(model, alias, number, requestId);
    }

    private ModelVersionEntity point(RegisteredModelEntity model, String alias, int number, Long requestId) {
        String reason = requestId == null ? null : "promotion request " + requestId;
        ModelVersionEntity version = getVersion(model, number);
        if (version.status != ModelVersionStatus.READY) {
            throw ApiException.conflict("version " + number + " of '" + model.name + "' is " + version.status
                    + "; only READY versions get aliases");
        }
        ModelAliasEntity existing = entityManager.find(ModelAliasEntity.class, new ModelAliasEntity.Key(model.id, alias));
        Integer before = existing == null ? null : existing.version;
        ModelAliasEntity pointer = existing == null ? new ModelAliasEntity() : existing;
        pointer.modelId = model.id;
        pointer.alias = alias;
        pointer.version = number;
        pointer.updatedBy = actor.find().map(a -> a.name()).orElse("system");
        pointer.updatedAt = Instant.now();
        if (existing == null) {
            entityManager.persist(pointer);
        }
        model.updatedAt = pointer.updatedAt;
        audit.record(AuditAction.ALIAS_SET, model.name, before == null ? null : Map.of("aliases", Map.of(alias, before)),
                Map.of("aliases", Map.of(alias, number)), reason);
        aliasMoved.fire(new AliasMoved(model, alias, before, number, reason, requestId));
        return version;
    }

    /** The model, or null. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RegisteredModelEntity find(String name) {
        return entityManager.createQuery("from RegisteredModelEntity m where m.name = :name", RegisteredModelEntity.class)
                .setParameter("name", name).getResultStream().findFirst().orElse(null);
    }

    /** The model, or {@code NOT_FOUND}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RegisteredModelEntity get(String name) {
        RegisteredModelEntity model = find(name);
        if (model == null) {
            throw ApiException.notFound("no registered model named '" + name + "'");
        }
        return model;
    }

    /** The version, or {@code NOT_FOUND}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ModelVersionEntity getVersion(RegisteredModelEntity model, int number) {
        ModelVersionEntity version = entityManager.find(ModelVersionEntity.class, new ModelVersionEntity.Key(model.id, number));
        if (version == null) {
            throw ApiException.notFound("model '" + model.name + "' has no version " + number);
        }
        return version;
    }

    /**
     * Holds a model name until the transaction ends (a PostgreSQL advisory lock), so that registrations of one new
     * name, from this gateway or another sharing the database, run one after the other: the later one finds the
     * model the earlier one created instead of failing on the unique name.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void holdName(String name) {
        entityManager.createNativeQuery("select 1 from (select pg_advisory_xact_lock(hashtextextended(:key, 0))) held")
                .setParameter("key", "registered_model:" + name).getSingleResult();
    }

    /** Loads a model for a change, locking its row: changes to one model (and version numbering) go one at a time. */
    @Transactional(Transactional.TxType.MANDATORY)
    public RegisteredModelEntity lockedForChange(String name) {
        return entityManager.createQuery("from RegisteredModelEntity m where m.name = :name", RegisteredModelEntity.class)
                .setParameter("name", name)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultStream().findFirst()
                .orElseThrow(() -> ApiException.notFound("no registered model named '" + name + "'"));
    }

    /** Models by id, for batched fields. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<Long, RegisteredModelEntity> byIds(Collection<Long> ids) {
        Map<Long, RegisteredModelEntity> found = new HashMap<>();
        if (!ids.isEmpty()) {
            entityManager.createQuery("from RegisteredModelEntity m where m.id in :ids", RegisteredModelEntity.class)
                    .setParameter("ids", ids).getResultList().forEach(m -> found.put(m.id, m));
        }
        return found;
    }

    /** The aliases of several models, by name, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<Long, List<ModelAliasEntity>> aliasesOf(Collection<Long> modelIds) {
        Map<Long, List<ModelAliasEntity>> aliases = new HashMap<>();
        if (!modelIds.isEmpty()) {
            entityManager.createQuery("from ModelAliasEntity a where a.modelId in :ids order by a.alias", ModelAliasEntity.class)
                    .setParameter("ids", modelIds).getResultList()
                    .forEach(a -> aliases.computeIfAbsent(a.modelId, k -> new ArrayList<>()).add(a));
        }
        return aliases;
    }

    /** The tags of several models, by key, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<Long, Map<String, String>> tagsOf(Collection<Long> modelIds) {
        Map<Long, Map<String, String>> tags = new HashMap<>();
        if (!modelIds.isEmpty()) {
            entityManager.createQuery("from RegisteredModelTagEntity t where t.modelId in :ids order by t.key",
                    RegisteredModelTagEntity.class).setParameter("ids", modelIds).getResultList()
                    .forEach(t -> tags.computeIfAbsent(t.modelId, k -> new LinkedHashMap<>()).put(t.key, t.value));
        }
        return tags;
    }

    /** The tags of several versions, by key, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<ModelVersionEntity.Key, Map<String, String>> versionTagsOf(Collection<Long> modelIds) {
        Map<ModelVersionEntity.Key, Map<String, String>> tags = new HashMap<>();
        if (!modelIds.isEmpty()) {
            entityManager.createQuery("from ModelVersionTagEntity t where t.modelId in :ids order by t.key",
                    ModelVersionTagEntity.class).setParameter("ids", modelIds).getResultList()
                    .forEach(t -> tags.computeIfAbsent(new ModelVersionEntity.Key(t.modelId, t.version), k -> new LinkedHashMap<>())
                            .put(t.key, t.value));
        }
        return tags;
    }

    /** Versions by model and number, for batched fields. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ModelVersionEntity> versions(Collection<ModelVersionEntity.Key> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        List<Long> models = keys.stream().map(ModelVersionEntity.Key::modelId).distinct().toList();
        return entityManager.createQuery("from ModelVersionEntity v where v.modelId in :ids", ModelVersionEntity.class)
                .setParameter("ids", models).getResultList().stream()
                .filter(v -> keys.contains(new ModelVersionEntity.Key(v.modelId, v.version))).toList();
    }

    /** A page of registered models, by name. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RegisteredModelConnection page(Page page, String nameContains) {
        String after = Cursors.decode(MODELS_CURSOR, page.after());
        boolean filtered = nameContains != null && !nameContains.isEmpty();
        String where = (after == null ? " where 1 = 1" : " where m.name > :after")
                + (filtered ? " and lower(m.name) like :pattern escape '\\'" : "");
        var query = entityManager.createQuery("from RegisteredModelEntity m" + where + " order by m.name", RegisteredModelEntity.class)
                .setMaxResults(page.first() + 1);
        var count = entityManager.createQuery("select count(m) from RegisteredModelEntity m"
                + (filtered ? " where lower(m.name) like :pattern escape '\\'" : ""), Long.class);
        if (after != null) {
            query.setParameter("after", after);
        }
        if (filtered) {
            String pattern = "%" + nameContains.toLowerCase().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            query.setParameter("pattern", pattern);
            count.setParameter("pattern", pattern);
        }
        List<RegisteredModelEntity> rows = query.getResultList();
        List<RegisteredModelConnection.RegisteredModelEdge> edges = rows.stream().limit(page.first())
                .map(m -> new RegisteredModelConnection.RegisteredModelEdge(RegisteredModel.of(m), Cursors.encode(MODELS_CURSOR, m.name)))
                .toList();
        return new RegisteredModelConnection(edges, pageInfo(edges.stream().map(RegisteredModelConnection.RegisteredModelEdge::cursor).toList(),
                rows.size() > page.first(), after != null), count::getSingleResult);
    }

    /** A page of the versions of each of several models, newest first: one query for all pages. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<Long, List<ModelVersionEntity>> versionPages(List<Long> modelIds, Page page) {
        Map<Long, List<ModelVersionEntity>> pages = new HashMap<>();
        if (modelIds.isEmpty()) {
            return pages;
        }
        String after = Cursors.decode(VERSIONS_CURSOR, page.after());
        int before;
        try {
            before = after == null ? Integer.MAX_VALUE : Integer.parseInt(after);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("after: not a cursor of this list");
        }
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < modelIds.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(cast(:m").append(i).append(" as bigint))");
        }
        var query = entityManager.createNativeQuery("select v.* from (values " + values + ") as m(id) cross join lateral ("
                + " select * from model_version v where v.model_id = m.id and v.version < :before"
                + " order by v.version desc limit :limit) v", ModelVersionEntity.class)
                .setParameter("before", before).setParameter("limit", page.first() + 1);
        for (int i = 0; i < modelIds.size(); i++) {
            query.setParameter("m" + i, modelIds.get(i));
        }
        for (Object row : query.getResultList()) {
            ModelVersionEntity version = (ModelVersionEntity) row;
            pages.computeIfAbsent(version.modelId, k -> new ArrayList<>()).add(version);
        }
        return pages;
    }

    /** Version counts of several models, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<Long, Long> versionCounts(Collection<Long> modelIds) {
        Map<Long, Long> counts = new HashMap<>();
        if (!modelIds.isEmpty()) {
            entityManager.createQuery("select v.modelId, count(v) from ModelVersionEntity v where v.modelId in :ids group by v.modelId",
                    Object[].class).setParameter("ids", modelIds).getResultList()
                    .forEach(row -> counts.put((Long) row[0], (Long) row[1]));
        }
        return counts;
    }

    /** API views of versions, with their models' names and artifacts loaded in two queries. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ModelVersion> toApi(Collection<ModelVersionEntity> versions) {
        Map<Long, RegisteredModelEntity> models = byIds(versions.stream().map(v -> v.modelId).distinct().toList());
        Map<UUID, ArtifactEntity> stored = artifacts.byIds(versions.stream().map(v -> v.artifactId).distinct().toList());
        return versions.stream().map(v -> ModelVersion.of(models.get(v.modelId).name, v, stored.get(v.artifactId))).toList();
    }

    /** The cursor of a version in a model's version list (pages of {@link #versionPages} start after it). */
    public static String versionCursor(int version) {
        return Cursors.encode(VERSIONS_CURSOR, Integer.toString(version));
    }

    /** A model name checked against the registry's rules; {@code INVALID_ARGUMENT} otherwise. */
    public static String checkName(String name) {
        return RegistryRules.modelName(name);
    }

    /** The audit resource id of a version: {@code name:version}, as lineage names it. */
    public static String versionId(RegisteredModelEntity model, int version) {
        return model.name + ":" + version;
    }

    static PageInfo pageInfo(List<String> cursors, boolean more, boolean hasPrevious) {
        return new PageInfo(more, hasPrevious, cursors.isEmpty() ? null : cursors.get(0),
                cursors.isEmpty() ? null : cursors.get(cursors.size() - 1));
    }

    private static Map<String, Object> cardFields(ModelVersionEntity version) {
        return AuditLog.fields("intendedUse", version.cardIntendedUse, "trainingData", version.cardTrainingData,
                "evaluation", version.cardEvaluation, "limitations", version.cardLimitations);
    }
}
