package dev.lodestar.experiments;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.experiments.model.ExperimentEntity;
import dev.lodestar.experiments.model.ExperimentEntity.Lifecycle;
import dev.lodestar.experiments.model.ExperimentTagEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Cursors;
import dev.lodestar.graphql.Page;
import dev.lodestar.graphql.PageInfo;
import dev.lodestar.identity.CurrentActor;

/**
 * Experiments: the rules for creating, renaming, describing, archiving, restoring and tagging them, and the
 * reads behind the API. Every change loads the experiment (or fails {@code NOT_FOUND}), changes it and
 * records an audit event, in one transaction.
 */
@ApplicationScoped
@Transactional
public class ExperimentService {

    private static final String CURSOR = "experiments";

    private final EntityManager entityManager;
    private final AuditLog audit;
    private final CurrentActor actor;

    ExperimentService(EntityManager entityManager, AuditLog audit, CurrentActor actor) {
        this.entityManager = entityManager;
        this.audit = audit;
        this.actor = actor;
    }

    public ExperimentEntity create(String name, String description, List<TagInput> tags) {
        String checkedName = TrackingRules.experimentName(name);
        Map<String, String> checkedTags = TrackingRules.tags(tags);
        requireUnusedName(checkedName);
        Instant now = Instant.now();
        ExperimentEntity experiment = new ExperimentEntity();
        experiment.name = checkedName;
        experiment.description = TrackingRules.description(description);
        experiment.createdBy = actor.get().name();
        experiment.createdAt = now;
        experiment.updatedAt = now;
        entityManager.persist(experiment);
        checkedTags.forEach((key, value) -> entityManager.persist(tag(experiment.id, key, value)));
        audit.record(AuditAction.EXPERIMENT_CREATED, experiment.id.toString(), null, snapshot(experiment, checkedTags));
        return experiment;
    }

    public ExperimentEntity rename(long id, String name) {
        ExperimentEntity experiment = lockedForChange(id);
        String checkedName = TrackingRules.experimentName(name);
        if (checkedName.equals(experiment.name)) {
            return experiment;
        }
        requireUnusedName(checkedName);
        String before = experiment.name;
        experiment.name = checkedName;
        experiment.updatedAt = Instant.now();
        audit.record(AuditAction.EXPERIMENT_RENAMED, experiment.id.toString(), Map.of("name", before),
                Map.of("name", checkedName));
        return experiment;
    }

    public ExperimentEntity describe(long id, String description) {
        ExperimentEntity experiment = lockedForChange(id);
        String before = experiment.description;
        experiment.description = TrackingRules.description(description);
        experiment.updatedAt = Instant.now();
        audit.record(AuditAction.EXPERIMENT_DESCRIBED, experiment.id.toString(), AuditLog.fields("description", before),
                AuditLog.fields("description", experiment.description));
        return experiment;
    }

    public ExperimentEntity archive(long id) {
        return moveTo(id, Lifecycle.ARCHIVED, AuditAction.EXPERIMENT_ARCHIVED);
    }

    public ExperimentEntity restore(long id) {
        return moveTo(id, Lifecycle.ACTIVE, AuditAction.EXPERIMENT_RESTORED);
    }

    public ExperimentEntity setTag(long id, String key, String value) {
        ExperimentEntity experiment = lockedForChange(id);
        String checkedKey = TrackingRules.key("tag", key);
        String checkedValue = TrackingRules.tagValue(checkedKey, value);
        ExperimentTagEntity existing = entityManager.find(ExperimentTagEntity.class,
                new ExperimentTagEntity.Key(experiment.id, checkedKey));
        String before = existing == null ? null : existing.value;
        if (existing == null) {
            entityManager.persist(tag(experiment.id, checkedKey, checkedValue));
        } else {
            existing.value = checkedValue;
        }
        experiment.updatedAt = Instant.now();
        audit.record(AuditAction.EXPERIMENT_TAG_SET, experiment.id.toString(),
                before == null ? null : Map.of("tags", Map.of(checkedKey, before)),
                Map.of("tags", Map.of(checkedKey, checkedValue)));
        return experiment;
    }

    public ExperimentEntity deleteTag(long id, String key) {
        ExperimentEntity experiment = lockedForChange(id);
        ExperimentTagEntity existing = entityManager.find(ExperimentTagEntity.class,
                new ExperimentTagEntity.Key(experiment.id, key));
        if (existing == null) {
            throw ApiException.notFound("experiment " + id + " has no tag '" + key + "'");
        }
        entityManager.remove(existing);
        experiment.updatedAt = Instant.now();
        audit.record(AuditAction.EXPERIMENT_TAG_DELETED, experiment.id.toString(),
                Map.of("tags", Map.of(key, existing.value)), null);
        return experiment;
    }

    /** The experiment, or {@code NOT_FOUND}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ExperimentEntity get(long id) {
        ExperimentEntity experiment = entityManager.find(ExperimentEntity.class, id);
        if (experiment == null) {
            throw ApiException.notFound("no experiment with id " + id);
        }
        return experiment;
    }

    /** The experiment, or null. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ExperimentEntity find(long id) {
        return entityManager.find(ExperimentEntity.class, id);
    }

    /** The experiment named {@code name}, archived or not, or null. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ExperimentEntity findByName(String name) {
        return entityManager.createQuery("from ExperimentEntity e where e.name = :name", ExperimentEntity.class)
                .setParameter("name", name)
                .getResultStream().findFirst().orElse(null);
    }

    /** Experiments by id, for batched fields; ids without an experiment are absent from the map. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<Long, ExperimentEntity> byIds(Collection<Long> ids) {
        Map<Long, ExperimentEntity> found = new LinkedHashMap<>();
        if (!ids.isEmpty()) {
            entityManager.createQuery("from ExperimentEntity e where e.id in :ids", ExperimentEntity.class)
                    .setParameter("ids", ids)
                    .getResultList()
                    .forEach(e -> found.put(e.id, e));
        }
        return found;
    }

    /** The tags of several experiments, in key order, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<Long, List<Tag>> tagsOf(Collection<Long> ids) {
        Map<Long, List<Tag>> tags = new LinkedHashMap<>();
        if (!ids.isEmpty()) {
            entityManager.createQuery("from ExperimentTagEntity t where t.experimentId in :ids order by t.key",
                    ExperimentTagEntity.class)
                    .setParameter("ids", ids)
                    .getResultList()
                    .forEach(t -> tags.computeIfAbsent(t.experimentId, k -> new ArrayList<>()).add(new Tag(t.key, t.value)));
        }
        return tags;
    }

    /** A page of experiments, newest first. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ExperimentConnection page(Page page, String nameContains, boolean includeArchived) {
        String after = Cursors.decode(CURSOR, page.after());
        long afterId;
        try {
            afterId = after == null ? Long.MAX_VALUE : Long.parseLong(after);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("after: not a cursor of this list");
        }
        List<String> filters = new ArrayList<>();
        if (!includeArchived) {
            filters.add("e.lifecycle = :active");
        }
        if (nameContains != null && !nameContains.isEmpty()) {
            filters.add("lower(e.name) like :pattern escape '\\'");
        }
        String filter = String.join(" and ", filters);
        var query = entityManager.createQuery("from ExperimentEntity e where e.id < :after"
                + (filter.isEmpty() ? "" : " and " + filter) + " order by e.id desc", ExperimentEntity.class)
                .setParameter("after", afterId)
                .setMaxResults(page.first() + 1);
        var count = entityManager.createQuery("select count(e) from ExperimentEntity e"
                + (filter.isEmpty() ? "" : " where " + filter), Long.class);
        if (!includeArchived) {
            query.setParameter("active", Lifecycle.ACTIVE);
            count.setParameter("active", Lifecycle.ACTIVE);
        }
        if (nameContains != null && !nameContains.isEmpty()) {
            String pattern = "%" + likeEscape(nameContains.toLowerCase()) + "%";
            query.setParameter("pattern", pattern);
            count.setParameter("pattern", pattern);
        }
        List<ExperimentEntity> rows = query.getResultList();
        boolean more = rows.size() > page.first();
        List<ExperimentConnection.ExperimentEdge> edges = rows.stream().limit(page.first())
                .map(e -> new ExperimentConnection.ExperimentEdge(Experiment.of(e), Cursors.encode(CURSOR, e.id.toString())))
                .toList();
        PageInfo info = new PageInfo(more, after != null,
                edges.isEmpty() ? null : edges.get(0).cursor(),
                edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor());
        return new ExperimentConnection(edges, info, count::getSingleResult);
    }

    /** Loads an experiment for a change, locking its row until the transaction ends. */
    ExperimentEntity lockedForChange(long id) {
        ExperimentEntity experiment = entityManager.find(ExperimentEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (experiment == null) {
            throw ApiException.notFound("no experiment with id " + id);
        }
        return experiment;
    }

    private ExperimentEntity moveTo(long id, Lifecycle target, AuditAction action) {
        ExperimentEntity experiment = lockedForChange(id);
        if (experiment.lifecycle == target) {
            return experiment;
        }
        Lifecycle before = experiment.lifecycle;
        experiment.lifecycle = target;
        experiment.updatedAt = Instant.now();
        audit.record(action, experiment.id.toString(), Map.of("lifecycle", before.name()), Map.of("lifecycle", target.name()));
        return experiment;
    }

    private void requireUnusedName(String name) {
        Long taken = entityManager.createQuery("select count(e) from ExperimentEntity e where e.name = :name", Long.class)
                .setParameter("name", name)
                .getSingleResult();
        if (taken > 0) {
            throw ApiException.conflict("an experiment named '" + name + "' already exists (archived ones count too)");
        }
    }

    private static ExperimentTagEntity tag(Long experimentId, String key, String value) {
        ExperimentTagEntity tag = new ExperimentTagEntity();
        tag.experimentId = experimentId;
        tag.key = key;
        tag.value = value;
        return tag;
    }

    private static Map<String, Object> snapshot(ExperimentEntity experiment, Map<String, String> tags) {
        return AuditLog.fields("name", experiment.name, "description", experiment.description,
                "lifecycle", experiment.lifecycle.name(), "tags", tags);
    }

    static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
