package dev.lodestar.deploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import dev.lodestar.artifacts.ArtifactService;
import dev.lodestar.artifacts.model.ArtifactEntity;
import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.deploy.model.DeploymentChange;
import dev.lodestar.deploy.model.DeploymentEntity;
import dev.lodestar.deploy.model.DeploymentHistoryEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Cursors;
import dev.lodestar.graphql.Page;
import dev.lodestar.graphql.PageInfo;
import dev.lodestar.identity.Actor;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.lineage.LineageEdges;
import dev.lodestar.registry.ModelRegistry;
import dev.lodestar.registry.model.ModelAliasEntity;
import dev.lodestar.registry.model.ModelVersionEntity;
import dev.lodestar.registry.model.ModelVersionStatus;
import dev.lodestar.registry.model.RegisteredModelEntity;

/**
 * The rules of deployments: creating, changing, rolling back and deleting them, and following aliases.
 *
 * <p>Only {@code READY} versions of format {@code TRIBUO} are deployable. Primary, canary and shadow are distinct
 * versions; when the primary becomes the canary's or the shadow's version (an alias moved onto the canary, a
 * rollback onto the shadow), that canary or shadow has graduated and is removed.
 *
 * <p>Every change raises the global desired-state revision, appends a history row and an audit event, all in the
 * change's transaction, with a lineage {@code SERVES} edge from each version it serves. Locks are taken in one order (the model's row, then the deployment rows, then the revision
 * row), so a change and an alias move of the same model run one after the other and never deadlock; the revision
 * row orders all changes, so revisions become visible in commit order.
 */
@ApplicationScoped
@Transactional
public class Deployments {

    /** The alias a deployment follows when created with neither an alias nor a version. */
    public static final String DEFAULT_ALIAS = "champion";

    private static final String CURSOR = "deployments";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final EntityManager entityManager;
    private final ModelRegistry registry;
    private final AuditLog audit;
    private final CurrentActor currentActor;
    private final ArtifactService artifacts;
    private final LineageEdges lineage;

    Deployments(EntityManager entityManager, ModelRegistry registry, AuditLog audit, CurrentActor currentActor,
            ArtifactService artifacts, LineageEdges lineage) {
        this.entityManager = entityManager;
        this.lineage = lineage;
        this.artifacts = artifacts;
        this.registry = registry;
        this.audit = audit;
        this.currentActor = currentActor;
    }

    /**
     * Creates a deployment of {@code modelName} that follows {@code alias} or pins {@code version} (at most one of
     * them; with neither it follows {@value #DEFAULT_ALIAS}).
     */
    public DeploymentEntity create(String name, String modelName, String alias, Integer version) {
        String checkedName = name(name);
        if (alias != null && version != null) {
            throw ApiException.invalid("give either alias (to follow it) or version (to pin it), not both");
        }
        RegisteredModelEntity model = registry.lockedForChange(modelName);
        String followed = version == null ? (alias == null ? DEFAULT_ALIAS : alias) : null;
        int primary = followed == null ? version : aliasTarget(model, followed);
        deployable(model, primary, "primary");
        // The revision row is locked before the name is checked, so two creations of one name run one after the
        // other and the second sees the first.
        long revision = nextRevision();
        if (find(checkedName) != null) {
            throw ApiException.conflict("a deployment named '" + checkedName + "' already exists");
        }
        Actor actor = currentActor.get();
        Instant now = Instant.now();
        DeploymentEntity deployment = new DeploymentEntity();
        deployment.name = checkedName;
        deployment.modelId = model.id;
        deployment.alias = followed;
        deployment.primaryVersion = primary;
        deployment.revision = revision;
        deployment.createdBy = actor.name();
        deployment.createdAt = now;
        deployment.updatedBy = actor.name();
        deployment.updatedAt = now;
        entityManager.persist(deployment);
        history(deployment, model.name, DeploymentChange.CREATED, null, null, actor.name(), now);
        audit.record(AuditAction.DEPLOYMENT_CREATED, deployment.name, null, snapshot(deployment, model));
        return deployment;
    }

    /** Changes what a deployment serves; see {@link UpdateDeploymentInput}. A change that changes nothing is not recorded. */
    public DeploymentEntity update(String name, UpdateDeploymentInput input) {
        if (input == null) {
            throw ApiException.invalid("input is required");
        }
        if (input.alias() != null && input.version() != null) {
            throw ApiException.invalid("give either alias (to follow it) or version (to pin it), not both");
        }
        if (input.canary() != null && Boolean.TRUE.equals(input.clearCanary())) {
            throw ApiException.invalid("give either canary or clearCanary, not both");
        }
        if (input.shadow() != null && Boolean.TRUE.equals(input.clearShadow())) {
            throw ApiException.invalid("give either shadow or clearShadow, not both");
        }
        if (input.canary() != null && (input.canary().percent() < 1 || input.canary().percent() > 99)) {
            throw ApiException.invalid("canary percent must be between 1 and 99, got " + input.canary().percent());
        }
        Locked locked = lockedForChange(name);
        DeploymentEntity deployment = locked.deployment();
        RegisteredModelEntity model = locked.model();
        Map<String, Object> before = snapshot(deployment, model);

        String alias = deployment.alias;
        int primary = deployment.primaryVersion;
        if (input.alias() != null) {
            alias = input.alias();
            primary = aliasTarget(model, alias);
        } else if (input.version() != null) {
            alias = null;
            primary = input.version();
        }
        deployable(model, primary, "primary");
        Integer canary = deployment.canaryVersion;
        Integer percent = deployment.canaryPercent;
        if (input.canary() != null) {
            canary = input.canary().version();
            percent = input.canary().percent();
            deployable(model, canary, "canary");
            if (canary == primary) {
                throw ApiException.invalid("the canary must differ from the primary version " + primary);
            }
        } else if (Boolean.TRUE.equals(input.clearCanary()) || Objects.equals(canary, primary)) {
            canary = null;
            percent = null;
        }
        Integer shadow = deployment.shadowVersion;
        if (input.shadow() != null) {
            shadow = input.shadow().version();
            deployable(model, shadow, "shadow");
            if (shadow == primary) {
                throw ApiException.invalid("the shadow must differ from the primary version " + primary);
            }
        } else if (Boolean.TRUE.equals(input.clearShadow()) || Objects.equals(shadow, primary)) {
            shadow = null;
        }
        if (canary != null && canary.equals(shadow)) {
            throw ApiException.invalid("version " + canary + " cannot be both canary and shadow");
        }
        if (Objects.equals(alias, deployment.alias) && primary == deployment.primaryVersion && Objects.equals(canary, deployment.canaryVersion)
                && Objects.equals(percent, deployment.canaryPercent) && Objects.equals(shadow, deployment.shadowVersion)) {
            return deployment;
        }
        if (primary != deployment.primaryVersion) {
            deployment.previousVersion = deployment.primaryVersion;
        }
        deployment.alias = alias;
        deployment.primaryVersion = primary;
        deployment.canaryVersion = canary;
        deployment.canaryPercent = percent;
        deployment.shadowVersion = shadow;
        changed(deployment, model.name, DeploymentChange.UPDATED, null, null);
        audit.record(AuditAction.DEPLOYMENT_UPDATED, deployment.name, before, snapshot(deployment, model));
        return deployment;
    }

    /**
     * Returns a deployment to its previous primary version. A deployment that followed an alias becomes pinned to
     * that version, since the alias still points at the newer one. Rolling back twice returns to where it started.
     */
    public DeploymentEntity rollback(String name) {
        Locked locked = lockedForChange(name);
        DeploymentEntity deployment = locked.deployment();
        RegisteredModelEntity model = locked.model();
        if (deployment.previousVersion == null) {
            throw ApiException.conflict("deployment '" + deployment.name + "' has no previous version to roll back to");
        }
        Map<String, Object> before = snapshot(deployment, model);
        int target = deployment.previousVersion;
        deployable(model, target, "previous");
        String detail = "from version " + deployment.primaryVersion + " back to " + target
                + (deployment.alias == null ? "" : "; no longer following alias '" + deployment.alias + "', pinned");
        deployment.previousVersion = deployment.primaryVersion;
        deployment.primaryVersion = target;
        deployment.alias = null;
        graduate(deployment);
        changed(deployment, model.name, DeploymentChange.ROLLED_BACK, detail, null);
        audit.record(AuditAction.DEPLOYMENT_ROLLED_BACK, deployment.name, before, snapshot(deployment, model), detail);
        return deployment;
    }

    /** Deletes a deployment; its history stays, closed by a {@code DELETED} entry. Returns what it was. */
    public DeploymentEntity delete(String name) {
        Locked locked = lockedForChange(name);
        DeploymentEntity deployment = locked.deployment();
        Map<String, Object> before = snapshot(deployment, locked.model());
        long revision = nextRevision();
        Actor actor = currentActor.get();
        Instant now = Instant.now();
        DeploymentHistoryEntity row = new DeploymentHistoryEntity();
        row.deploymentName = deployment.name;
        row.modelId = deployment.modelId;
        row.revision = revision;
        row.reason = DeploymentChange.DELETED;
        row.actor = actor.name();
        row.at = now;
        entityManager.persist(row);
        entityManager.remove(deployment);
        audit.record(AuditAction.DEPLOYMENT_DELETED, deployment.name, before, null);
        return deployment;
    }

    /**
     * Carries the deployments following an alias along when it moves: in the transaction of the move (a direct
     * {@code setAlias}, the approval that completes a promotion, an alias removal), so both commit or neither. A
     * deployment cannot follow an alias onto a version it cannot serve: the move is then refused with
     * {@code CONFLICT} naming the deployment. When the alias is removed, its deployments keep serving their last
     * version and keep following it, moving again when it is set again.
     */
    void followAlias(@Observes ModelRegistry.AliasMoved moved) {
        if (Objects.equals(moved.from(), moved.to())) {
            return;
        }
        List<DeploymentEntity> following = entityManager.createQuery("from DeploymentEntity d where d.modelId = :model"
                + " and d.alias = :alias order by d.name", DeploymentEntity.class)
                .setParameter("model", moved.model().id).setParameter("alias", moved.alias())
                .setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        String cause = "alias '" + moved.alias() + "' of '" + moved.model().name + "' "
                + (moved.to() == null ? "removed (it pointed at version " + moved.from() + ")"
                        : "moved " + (moved.from() == null ? "" : "from version " + moved.from() + " ") + "to version " + moved.to())
                + (moved.reason() == null ? "" : " by " + moved.reason());
        for (DeploymentEntity deployment : following) {
            Map<String, Object> before = snapshot(deployment, moved.model());
            if (moved.to() == null) {
                changed(deployment, moved.model().name, DeploymentChange.ALIAS_DELETED, cause + "; still serving version " + deployment.primaryVersion,
                        null);
                record(AuditAction.DEPLOYMENT_ALIAS_REMOVED, deployment, before, snapshot(deployment, moved.model()), cause);
                continue;
            }
            if (deployment.primaryVersion == moved.to()) {
                continue;
            }
            ModelVersionEntity target = registry.getVersion(moved.model(), moved.to());
            if (!isDeployable(target)) {
                throw ApiException.conflict("deployment '" + deployment.name + "' follows alias '" + moved.alias() + "' of '"
                        + moved.model().name + "', and version " + moved.to() + " cannot be deployed (" + why(target)
                        + "); pin the deployment to a version or delete it first");
            }
            deployment.previousVersion = deployment.primaryVersion;
            deployment.primaryVersion = moved.to();
            graduate(deployment);
            changed(deployment, moved.model().name, DeploymentChange.ALIAS_MOVED, cause, moved.requestId());
            if (moved.requestId() != null) {
                lineage.record(LineageEdges.approval(moved.requestId()), LineageEdges.deployment(deployment.name), LineageEdges.PROMOTED);
            }
            record(AuditAction.DEPLOYMENT_ALIAS_FOLLOWED, deployment, before, snapshot(deployment, moved.model()), cause);
        }
    }

    /** The deployment, or null. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public DeploymentEntity find(String name) {
        return entityManager.createQuery("from DeploymentEntity d where d.name = :name", DeploymentEntity.class)
                .setParameter("name", name).getResultStream().findFirst().orElse(null);
    }

    /** The deployment, or {@code NOT_FOUND}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public DeploymentEntity get(String name) {
        DeploymentEntity deployment = find(name);
        if (deployment == null) {
            throw ApiException.notFound("no deployment named '" + name + "'");
        }
        return deployment;
    }

    /** Every deployment, by name (the desired state is small: one row per endpoint). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<DeploymentEntity> all() {
        return entityManager.createQuery("from DeploymentEntity d order by d.name", DeploymentEntity.class).getResultList();
    }

    /** A page of deployments, by name. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public DeploymentConnection page(Page page) {
        String after = Cursors.decode(CURSOR, page.after());
        var query = entityManager.createQuery("from DeploymentEntity d" + (after == null ? "" : " where d.name > :after")
                + " order by d.name", DeploymentEntity.class).setMaxResults(page.first() + 1);
        if (after != null) {
            query.setParameter("after", after);
        }
        List<DeploymentEntity> rows = query.getResultList();
        List<Deployment> deployments = toApi(rows.stream().limit(page.first()).toList());
        List<DeploymentConnection.DeploymentEdge> edges = deployments.stream()
                .map(d -> new DeploymentConnection.DeploymentEdge(d, Cursors.encode(CURSOR, d.name()))).toList();
        return new DeploymentConnection(edges, new PageInfo(rows.size() > page.first(), after != null,
                edges.isEmpty() ? null : edges.get(0).cursor(), edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor()),
                () -> entityManager.createQuery("select count(d) from DeploymentEntity d", Long.class).getSingleResult());
    }

    /** API views of deployments, with their models' names in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Deployment> toApi(Collection<DeploymentEntity> deployments) {
        Map<Long, RegisteredModelEntity> models = registry.byIds(deployments.stream().map(d -> d.modelId).distinct().toList());
        return deployments.stream().map(d -> Deployment.of(d, models.get(d.modelId).name)).toList();
    }

    /** The histories of several deployments, newest first, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<String, List<DeploymentEvent>> historiesOf(Collection<String> names, int limit) {
        Map<String, List<DeploymentEvent>> histories = new HashMap<>();
        if (!names.isEmpty()) {
            entityManager.createQuery("from DeploymentHistoryEntity h where h.deploymentName in :names"
                    + " order by h.deploymentName, h.at desc, h.id desc", DeploymentHistoryEntity.class)
                    .setParameter("names", names).getResultList().forEach(h -> {
                        List<DeploymentEvent> events = histories.computeIfAbsent(h.deploymentName, k -> new ArrayList<>());
                        if (events.size() < limit) {
                            events.add(DeploymentEvent.of(h));
                        }
                    });
        }
        return histories;
    }

    /**
     * The desired state of the inference servers: every deployment with the artifact of each version it serves.
     * The revision is read before the deployments, so the state returned is at least as new as its revision: a
     * server that has seen a revision never misses a change numbered at or below it.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public DesiredState desiredState() {
        long revision = revision();
        List<DeploymentEntity> deployments = all();
        Map<Long, RegisteredModelEntity> models = registry.byIds(deployments.stream().map(d -> d.modelId).distinct().toList());
        List<ModelVersionEntity.Key> keys = new ArrayList<>();
        for (DeploymentEntity d : deployments) {
            keys.add(new ModelVersionEntity.Key(d.modelId, d.primaryVersion));
            if (d.canaryVersion != null) {
                keys.add(new ModelVersionEntity.Key(d.modelId, d.canaryVersion));
            }
            if (d.shadowVersion != null) {
                keys.add(new ModelVersionEntity.Key(d.modelId, d.shadowVersion));
            }
        }
        Map<ModelVersionEntity.Key, UUID> artifactOf = new HashMap<>();
        registry.versions(keys).forEach(v -> artifactOf.put(new ModelVersionEntity.Key(v.modelId, v.version), v.artifactId));
        Map<UUID, ArtifactEntity> stored = artifacts.byIds(artifactOf.values().stream().distinct().toList());
        List<DesiredState.Entry> entries = deployments.stream().map(d -> new DesiredState.Entry(d.name, models.get(d.modelId).name,
                target(stored, artifactOf, d.modelId, d.primaryVersion, null),
                d.canaryVersion == null ? null : target(stored, artifactOf, d.modelId, d.canaryVersion, d.canaryPercent),
                d.shadowVersion == null ? null : target(stored, artifactOf, d.modelId, d.shadowVersion, null))).toList();
        return new DesiredState(revision, entries);
    }

    private static DesiredState.Target target(Map<UUID, ArtifactEntity> stored, Map<ModelVersionEntity.Key, UUID> artifactOf,
            long modelId, int version, Integer percent) {
        ArtifactEntity artifact = stored.get(artifactOf.get(new ModelVersionEntity.Key(modelId, version)));
        return new DesiredState.Target(version, artifact.id.toString(), artifact.sha256, percent);
    }

    /** The current desired-state revision: it rises with every change of any deployment. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public long revision() {
        return ((Number) entityManager.createNativeQuery("select revision from serving_revision").getSingleResult()).longValue();
    }

    /** True when a version can be deployed: registered as a Tribuo model and {@code READY}. */
    public static boolean isDeployable(ModelVersionEntity version) {
        return version.status == ModelVersionStatus.READY && "TRIBUO".equals(version.format);
    }

    /** Checks a deployment name: a DNS label (lower-case letters, digits, '-'; at most 63 characters). */
    static String name(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.invalid("deployment name must be a DNS label: 1 to 63 lower-case letters, digits and '-',"
                    + " starting and ending with a letter or digit; got '" + name + "'");
        }
        return name;
    }

    private record Locked(DeploymentEntity deployment, RegisteredModelEntity model) {
    }

    /** The deployment and its model, both rows locked, in the lock order of every change. */
    private Locked lockedForChange(String name) {
        DeploymentEntity found = get(name);
        // Read again once locked: what was read before waiting for the model's lock may have changed since.
        entityManager.detach(found);
        RegisteredModelEntity model = registry.lockedForChange(registry.byIds(List.of(found.modelId)).get(found.modelId).name);
        DeploymentEntity deployment = entityManager.createQuery("from DeploymentEntity d where d.id = :id", DeploymentEntity.class)
                .setParameter("id", found.id).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultStream().findFirst()
                .orElseThrow(() -> ApiException.notFound("no deployment named '" + name + "'"));
        return new Locked(deployment, model);
    }

    private int aliasTarget(RegisteredModelEntity model, String alias) {
        ModelAliasEntity pointer = entityManager.find(ModelAliasEntity.class, new ModelAliasEntity.Key(model.id, alias));
        if (pointer == null) {
            throw ApiException.notFound("model '" + model.name + "' has no alias '" + alias + "'; set it first or pin a version");
        }
        return pointer.version;
    }

    private void deployable(RegisteredModelEntity model, int number, String role) {
        ModelVersionEntity version = registry.getVersion(model, number);
        if (!isDeployable(version)) {
            throw ApiException.conflict("version " + number + " of '" + model.name + "' cannot be the " + role + ": it is "
                    + why(version) + "; only READY versions of format TRIBUO are deployable");
        }
    }

    private static String why(ModelVersionEntity version) {
        return version.status != ModelVersionStatus.READY ? version.status.name() : "of format " + version.format;
    }

    /** Removes a canary or shadow the primary has caught up with. */
    private static void graduate(DeploymentEntity deployment) {
        if (Objects.equals(deployment.canaryVersion, deployment.primaryVersion)) {
            deployment.canaryVersion = null;
            deployment.canaryPercent = null;
        }
        if (Objects.equals(deployment.shadowVersion, deployment.primaryVersion)) {
            deployment.shadowVersion = null;
        }
    }

    private void changed(DeploymentEntity deployment, String modelName, DeploymentChange reason, String detail, Long approvalId) {
        String actor = currentActor.find().map(Actor::name).orElse(Actor.SYSTEM.name());
        Instant now = Instant.now();
        deployment.revision = nextRevision();
        deployment.updatedBy = actor;
        deployment.updatedAt = now;
        history(deployment, modelName, reason, detail, approvalId, actor, now);
    }

    /** Appends the history row of a change and the lineage edge of each version it serves (primary, canary, shadow). */
    private void history(DeploymentEntity deployment, String modelName, DeploymentChange reason, String detail, Long approvalId,
            String actor, Instant at) {
        DeploymentHistoryEntity row = new DeploymentHistoryEntity();
        row.deploymentName = deployment.name;
        row.modelId = deployment.modelId;
        row.revision = deployment.revision;
        row.reason = reason;
        row.detail = detail;
        row.alias = deployment.alias;
        row.primaryVersion = deployment.primaryVersion;
        row.canaryVersion = deployment.canaryVersion;
        row.canaryPercent = deployment.canaryPercent;
        row.shadowVersion = deployment.shadowVersion;
        row.approvalId = approvalId;
        row.actor = actor;
        row.at = at;
        entityManager.persist(row);
        String served = LineageEdges.deployment(deployment.name);
        lineage.record(LineageEdges.modelVersion(modelName, deployment.primaryVersion), served, LineageEdges.SERVES);
        if (deployment.canaryVersion != null) {
            lineage.record(LineageEdges.modelVersion(modelName, deployment.canaryVersion), served, LineageEdges.SERVES);
        }
        if (deployment.shadowVersion != null) {
            lineage.record(LineageEdges.modelVersion(modelName, deployment.shadowVersion), served, LineageEdges.SERVES);
        }
    }

    private void record(AuditAction action, DeploymentEntity deployment, Object before, Object after, String reason) {
        if (currentActor.find().isPresent()) {
            audit.record(action, deployment.name, before, after, reason);
        } else {
            audit.recordAsSystem(action, deployment.name, before, after, reason);
        }
    }

    /** Raises the desired-state revision, locking its row until the transaction ends; returns the new value. */
    private long nextRevision() {
        return ((Number) entityManager.createNativeQuery("update serving_revision set revision = revision + 1 returning revision")
                .getSingleResult()).longValue();
    }

    private static Map<String, Object> snapshot(DeploymentEntity deployment, RegisteredModelEntity model) {
        return AuditLog.fields("model", model.name, "alias", deployment.alias, "version", deployment.primaryVersion,
                "previousVersion", deployment.previousVersion,
                "canary", deployment.canaryVersion == null ? null
                        : AuditLog.fields("version", deployment.canaryVersion, "percent", deployment.canaryPercent),
                "shadow", deployment.shadowVersion == null ? null : AuditLog.fields("version", deployment.shadowVersion),
                "revision", deployment.revision);
    }
}
