package dev.lodestar.experiments;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.experiments.model.ExperimentEntity;
import dev.lodestar.experiments.model.RunEntity;
import dev.lodestar.experiments.model.RunStatus;
import dev.lodestar.experiments.model.RunTagEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Cursors;
import dev.lodestar.graphql.Page;
import dev.lodestar.graphql.PageInfo;
import dev.lodestar.identity.CurrentActor;

/**
 * Runs: creating, updating and tagging them, and the batched reads behind run lists (one query per kind of
 * child for a whole page of runs, whatever its size).
 */
@ApplicationScoped
@Transactional
public class RunService {

    private static final String CURSOR = "experiment-runs";

    private final EntityManager entityManager;
    private final ExperimentService experiments;
    private final AuditLog audit;
    private final CurrentActor actor;

    RunService(EntityManager entityManager, ExperimentService experiments, AuditLog audit, CurrentActor actor) {
        this.entityManager = entityManager;
        this.experiments = experiments;
        this.audit = audit;
        this.actor = actor;
    }

    public RunEntity create(long experimentId, String name, String parentRunId, List<TagInput> tags) {
        ExperimentEntity experiment = experiments.get(experimentId);
        requireActive(experiment);
        String checkedName = TrackingRules.runName(name);
        Map<String, String> checkedTags = TrackingRules.tags(tags);
        UUID parent = null;
        if (parentRunId != null) {
            RunEntity parentRun = get(parentRunId);
            if (!parentRun.experimentId.equals(experiment.id)) {
                throw ApiException.invalid("parent run " + parentRunId + " belongs to another experiment");
            }
            parent = parentRun.id;
        }
        RunEntity run = new RunEntity();
        run.id = RunIds.next();
        run.experimentId = experiment.id;
        run.name = checkedName;
        run.status = RunStatus.RUNNING;
        run.startTime = Instant.now();
        run.userName = actor.get().name();
        run.parentRunId = parent;
        entityManager.persist(run);
        checkedTags.forEach((key, value) -> entityManager.persist(tag(run.id, key, value)));
        audit.record(AuditAction.RUN_CREATED, RunIds.format(run.id), null, AuditLog.fields(
                "experimentId", experiment.id, "name", checkedName, "status", run.status.name(),
                "parentRunId", parentRunId == null ? null : RunIds.format(parent), "tags", checkedTags));
        return run;
    }

    /**
     * Sets a run's status (and name, end time when given). A terminal status without an end time ends the run
     * now; {@code RUNNING} clears the end time.
     */
    public RunEntity update(String runId, RunStatus status, String name, Instant endTime) {
        RunEntity run = lockedForChange(runId);
        Map<String, Object> before = AuditLog.fields("status", run.status.name(), "name", run.name, "endTime", run.endTime);
        run.status = status;
        if (name != null) {
            run.name = TrackingRules.runName(name);
        }
        if (status.terminal()) {
            run.endTime = endTime != null ? endTime : run.endTime != null ? run.endTime : Instant.now();
            if (run.endTime.isBefore(run.startTime)) {
                throw ApiException.invalid("endTime " + run.endTime + " is before the run's start " + run.startTime);
            }
        } else if (endTime != null) {
            throw ApiException.invalid("a RUNNING run has no end time");
        } else {
            run.endTime = null;
        }
        audit.record(AuditAction.RUN_UPDATED, runId, before,
                AuditLog.fields("status", run.status.name(), "name", run.name, "endTime", run.endTime));
        return run;
    }

    public RunEntity setTag(String runId, String key, String value) {
        RunEntity run = lockedForChange(runId);
        String checkedKey = TrackingRules.key("tag", key);
        String checkedValue = TrackingRules.tagValue(checkedKey, value);
        RunTagEntity existing = entityManager.find(RunTagEntity.class, new RunTagEntity.Key(run.id, checkedKey));
        String before = existing == null ? null : existing.value;
        if (existing == null) {
            entityManager.persist(tag(run.id, checkedKey, checkedValue));
        } else {
            existing.value = checkedValue;
        }
        audit.record(AuditAction.RUN_TAG_SET, RunIds.format(run.id),
                before == null ? null : Map.of("tags", Map.of(checkedKey, before)),
                Map.of("tags", Map.of(checkedKey, checkedValue)));
        return run;
    }

    public RunEntity deleteTag(String runId, String key) {
        RunEntity run = lockedForChange(runId);
        RunTagEntity existing = entityManager.find(RunTagEntity.class, new RunTagEntity.Key(run.id, key));
        if (existing == null) {
            throw ApiException.notFound("run " + runId + " has no tag '" + key + "'");
        }
        entityManager.remove(existing);
        audit.record(AuditAction.RUN_TAG_DELETED, RunIds.format(run.id), Map.of("tags", Map.of(key, existing.value)), null);
        return run;
    }

    /** Deletes a run softly, as MLflow does: it leaves searches and takes no writes until restored. */
    public RunEntity delete(String runId) {
        return moveTo(runId, RunEntity.Lifecycle.DELETED, AuditAction.RUN_DELETED);
    }

    /** Restores a deleted run. */
    public RunEntity restore(String runId) {
        return moveTo(runId, RunEntity.Lifecycle.ACTIVE, AuditAction.RUN_RESTORED);
    }

    /**
     * The run a write goes to, checked writable: it exists ({@code NOT_FOUND} otherwise) and its experiment
     * is not archived and the run not deleted ({@code CONFLICT}). One query.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public RunEntity writable(UUID runId) {
        List<Object[]> rows = entityManager.createQuery(
                "select r, e.lifecycle, e.name from RunEntity r, ExperimentEntity e where e.id = r.experimentId and r.id = :id",
                Object[].class)
                .setParameter("id", runId)
                .getResultList();
        if (rows.isEmpty()) {
            throw ApiException.notFound("no run with id " + RunIds.format(runId));
        }
        if (rows.get(0)[1] == ExperimentEntity.Lifecycle.ARCHIVED) {
            throw ApiException.conflict("experiment '" + rows.get(0)[2] + "' is archived; restore it to change its runs");
        }
        RunEntity run = (RunEntity) rows.get(0)[0];
        requireNotDeleted(run);
        return run;
    }

    /** The run, or {@code NOT_FOUND}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RunEntity get(String runId) {
        RunEntity run = find(RunIds.parse(runId));
        if (run == null) {
            throw ApiException.notFound("no run with id " + runId);
        }
        return run;
    }

    /** The run, or null. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RunEntity find(UUID runId) {
        return entityManager.find(RunEntity.class, runId);
    }

    /** Runs by id; ids without a run are absent. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<UUID, RunEntity> byIds(Collection<UUID> ids) {
        Map<UUID, RunEntity> found = new HashMap<>();
        if (!ids.isEmpty()) {
            entityManager.createQuery("from RunEntity r where r.id in :ids", RunEntity.class)
                    .setParameter("ids", ids)
                    .getResultList()
                    .forEach(r -> found.put(r.id, r));
        }
        return found;
    }

    // The child reads below select columns rather than entities: a page of runs may carry thousands of them,
    // and they are only shown, never changed, so the persistence context has nothing to track.

    /** The params of several runs, in key order, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<UUID, List<Param>> paramsOf(Collection<UUID> runIds) {
        Map<UUID, List<Param>> params = new HashMap<>();
        if (!runIds.isEmpty()) {
            entityManager.createQuery("select p.runId, p.key, p.value from RunParamEntity p where p.runId in :ids order by p.key",
                    Object[].class)
                    .setParameter("ids", runIds)
                    .getResultList()
                    .forEach(row -> params.computeIfAbsent((UUID) row[0], k -> new ArrayList<>())
                            .add(new Param((String) row[1], (String) row[2])));
        }
        return params;
    }

    /** The tags of several runs, in key order, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<UUID, List<Tag>> tagsOf(Collection<UUID> runIds) {
        Map<UUID, List<Tag>> tags = new HashMap<>();
        if (!runIds.isEmpty()) {
            entityManager.createQuery("select t.runId, t.key, t.value from RunTagEntity t where t.runId in :ids order by t.key",
                    Object[].class)
                    .setParameter("ids", runIds)
                    .getResultList()
                    .forEach(row -> tags.computeIfAbsent((UUID) row[0], k -> new ArrayList<>())
                            .add(new Tag((String) row[1], (String) row[2])));
        }
        return tags;
    }

    /** The latest point of every metric of several runs, in key order, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<UUID, List<Metric>> latestMetricsOf(Collection<UUID> runIds) {
        Map<UUID, List<Metric>> metrics = new HashMap<>();
        if (!runIds.isEmpty()) {
            entityManager.createQuery("select m.runId, m.key, m.value, m.step, m.timestamp from LatestMetricEntity m"
                    + " where m.runId in :ids order by m.key", Object[].class)
                    .setParameter("ids", runIds)
                    .getResultList()
                    .forEach(row -> metrics.computeIfAbsent((UUID) row[0], k -> new ArrayList<>())
                            .add(new Metric((String) row[1], (Double) row[2], MetricHistory.apiStep((Long) row[3]), (Instant) row[4])));
        }
        return metrics;
    }

    /** The child runs of several runs, oldest first, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<UUID, List<RunEntity>> childrenOf(Collection<UUID> runIds) {
        Map<UUID, List<RunEntity>> children = new HashMap<>();
        if (!runIds.isEmpty()) {
            entityManager.createQuery("from RunEntity r where r.parentRunId in :ids order by r.startTime, r.id", RunEntity.class)
                    .setParameter("ids", runIds)
                    .getResultList()
                    .forEach(r -> children.computeIfAbsent(r.parentRunId, k -> new ArrayList<>()).add(r));
        }
        return children;
    }

    /**
     * A page of the runs of each of several experiments, newest first: one query for all pages (an index scan
     * per experiment, stopping after {@code first} runs), and one more for all totals if a client asks.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<Long, RunConnection> runsOf(List<Long> experimentIds, Page page) {
        Map<Long, RunConnection> connections = new LinkedHashMap<>();
        if (experimentIds.isEmpty()) {
            return connections;
        }
        String after = Cursors.decode(CURSOR, page.after());
        Instant afterTime = null;
        UUID afterId = null;
        if (after != null) {
            try {
                int colon = after.indexOf(':');
                afterTime = Instant.parse(after.substring(0, colon));
                afterId = UUID.fromString(after.substring(colon + 1));
            } catch (RuntimeException e) {
                throw ApiException.invalid("after: not a cursor of this list");
            }
        }
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < experimentIds.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(cast(:e").append(i).append(" as bigint))");
        }
        String sql = "select r.* from (values " + values + ") as e(id) cross join lateral ("
                + " select * from run r where r.experiment_id = e.id and r.lifecycle = 'ACTIVE'"
                + (after == null ? "" : " and (r.start_time, r.id) < (:afterTime, :afterId)")
                + " order by r.start_time desc, r.id desc limit :limit) r";
        var query = entityManager.createNativeQuery(sql, RunEntity.class).setParameter("limit", page.first() + 1);
        for (int i = 0; i < experimentIds.size(); i++) {
            query.setParameter("e" + i, experimentIds.get(i));
        }
        if (after != null) {
            query.setParameter("afterTime", afterTime).setParameter("afterId", afterId);
        }
        Map<Long, List<RunEntity>> byExperiment = new HashMap<>();
        for (Object row : query.getResultList()) {
            RunEntity run = (RunEntity) row;
            byExperiment.computeIfAbsent(run.experimentId, k -> new ArrayList<>()).add(run);
        }
        Totals totals = new Totals(experimentIds);
        for (Long experimentId : experimentIds) {
            List<RunEntity> runs = byExperiment.getOrDefault(experimentId, List.of());
            boolean more = runs.size() > page.first();
            List<RunConnection.RunEdge> edges = runs.stream().limit(page.first())
                    .map(r -> new RunConnection.RunEdge(Run.of(r), Cursors.encode(CURSOR, r.startTime + ":" + r.id)))
                    .toList();
            PageInfo info = new PageInfo(more, after != null, edges.isEmpty() ? null : edges.get(0).cursor(),
                    edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor());
            connections.put(experimentId, new RunConnection(edges, info, () -> totals.of(experimentId)));
        }
        return connections;
    }

    /** How many runs each of several experiments has (experiments without runs are absent), in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<Long, Long> countsOf(Collection<Long> experimentIds) {
        Map<Long, Long> counts = new HashMap<>();
        if (!experimentIds.isEmpty()) {
            entityManager.createQuery("select r.experimentId, count(r) from RunEntity r where r.experimentId in :ids"
                    + " and r.lifecycle = :active group by r.experimentId", Object[].class)
                    .setParameter("ids", experimentIds)
                    .setParameter("active", RunEntity.Lifecycle.ACTIVE)
                    .getResultList()
                    .forEach(row -> counts.put((Long) row[0], (Long) row[1]));
        }
        return counts;
    }

    /** Run counts of several experiments, fetched in one query the first time one is asked for. */
    private final class Totals {
        private final List<Long> experimentIds;
        private Map<Long, Long> counts;

        Totals(List<Long> experimentIds) {
            this.experimentIds = experimentIds;
        }

        synchronized long of(Long experimentId) {
            if (counts == null) {
                counts = countsOf(experimentIds);
            }
            return counts.getOrDefault(experimentId, 0L);
        }
    }

    private RunEntity lockedForChange(String runId) {
        RunEntity run = lockedInActiveExperiment(runId);
        requireNotDeleted(run);
        return run;
    }

    private RunEntity lockedInActiveExperiment(String runId) {
        UUID id = RunIds.parse(runId);
        RunEntity run = entityManager.find(RunEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (run == null) {
            throw ApiException.notFound("no run with id " + runId);
        }
        requireActive(experiments.get(run.experimentId));
        return run;
    }

    private RunEntity moveTo(String runId, RunEntity.Lifecycle target, AuditAction action) {
        RunEntity run = lockedInActiveExperiment(runId);
        if (run.lifecycle == target) {
            return run;
        }
        RunEntity.Lifecycle before = run.lifecycle;
        run.lifecycle = target;
        audit.record(action, RunIds.format(run.id), Map.of("lifecycle", before.name()), Map.of("lifecycle", target.name()));
        return run;
    }

    private static void requireNotDeleted(RunEntity run) {
        if (run.lifecycle == RunEntity.Lifecycle.DELETED) {
            throw ApiException.conflict("run " + RunIds.format(run.id) + " is deleted; restore it to change it");
        }
    }

    private static void requireActive(ExperimentEntity experiment) {
        if (experiment.lifecycle == ExperimentEntity.Lifecycle.ARCHIVED) {
            throw ApiException.conflict("experiment '" + experiment.name + "' is archived; restore it to change its runs");
        }
    }

    private static RunTagEntity tag(UUID runId, String key, String value) {
        RunTagEntity tag = new RunTagEntity();
        tag.runId = runId;
        tag.key = key;
        tag.value = value;
        return tag;
    }
}
