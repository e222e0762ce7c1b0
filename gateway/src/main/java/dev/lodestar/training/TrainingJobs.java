package dev.lodestar.training;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.datasets.DatasetTable;
import dev.lodestar.datasets.DatasetTables;
import dev.lodestar.datasets.model.DatasetVersionEntity;
import dev.lodestar.experiments.ExperimentService;
import dev.lodestar.experiments.ParamInput;
import dev.lodestar.experiments.model.ExperimentEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Cursors;
import dev.lodestar.graphql.Page;
import dev.lodestar.graphql.PageInfo;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.registry.ModelRegistry;
import dev.lodestar.training.model.JobStatus;
import dev.lodestar.training.model.TrainingJobEntity;

/**
 * Training jobs: queueing them (every argument checked before anything is queued), cancelling them, and the
 * batched reads behind the API and the admin. Running them is {@link TrainingWorker}'s.
 */
@ApplicationScoped
@Transactional
public class TrainingJobs {

    private static final String CURSOR = "training-jobs";
    private static final double DEFAULT_HOLDOUT = 0.2;
    private static final long DEFAULT_SEED = 1;

    private final EntityManager entityManager;
    private final ExperimentService experiments;
    private final DatasetTables tables;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final ObjectMapper json;
    private final Event<JobQueued> queued;

    TrainingJobs(EntityManager entityManager, ExperimentService experiments, DatasetTables tables, AuditLog audit,
            CurrentActor actor, ObjectMapper json, Event<JobQueued> queued) {
        this.entityManager = entityManager;
        this.experiments = experiments;
        this.tables = tables;
        this.audit = audit;
        this.actor = actor;
        this.json = json;
        this.queued = queued;
    }

    /** Fired when a job was queued, once its transaction committed: a worker may take it at once. */
    public record JobQueued(UUID jobId) {
    }

    /**
     * Checks a training request and queues it. Refusals: an unknown experiment or dataset version is
     * {@code NOT_FOUND}; an archived experiment {@code CONFLICT}; a target that is not a column, a task the
     * target's type does not allow, a holdout fraction outside (0, 1), a param the trainer does not take or a
     * gate on a metric the task does not measure {@code INVALID_ARGUMENT}, naming what is wrong.
     */
    public TrainingJobEntity submit(TrainModelInput input) {
        String user = actor.get().name();
        long experimentId;
        try {
            experimentId = Long.parseLong(input.experimentId());
        } catch (NumberFormatException e) {
            throw ApiException.invalid("experimentId: '" + input.experimentId() + "' is not an experiment id");
        }
        ExperimentEntity experiment = experiments.get(experimentId);
        if (experiment.lifecycle == ExperimentEntity.Lifecycle.ARCHIVED) {
            throw ApiException.conflict("experiment '" + experiment.name + "' is archived; restore it to train in it");
        }
        DatasetVersionEntity dataset = dataset(input.datasetId());
        Map<String, String> columns = columnsOf(dataset);
        String target = input.target();
        String targetType = columns.get(target);
        if (targetType == null) {
            throw ApiException.invalid("target: '" + target + "' is not a column of dataset " + dataset.name + " v"
                    + dataset.version + "; its columns are " + columns.keySet());
        }
        if (columns.size() < 2) {
            throw ApiException.invalid("dataset " + dataset.name + " v" + dataset.version + " has no column besides the target");
        }
        checkTargetType(input.task(), dataset, target, targetType);
        double holdout = input.holdoutFraction() == null ? DEFAULT_HOLDOUT : input.holdoutFraction();
        if (!(holdout > 0 && holdout < 1)) {
            throw ApiException.invalid("holdoutFraction must be strictly between 0 and 1, got " + holdout);
        }
        long seed = input.seed() == null ? DEFAULT_SEED : input.seed();
        Map<String, String> params = TrainerCatalog.check(input.trainer(), input.task(), input.params(), seed);
        String registerAs = ModelRegistry.checkName(input.registerAs());
        Map<String, Double> gates = gates(input.task(), input.minMetrics());
        TrainingSpec spec = new TrainingSpec(experimentId, dataset.id, target, input.task(), input.trainer(), params, holdout,
                seed, registerAs, gates);

        TrainingJobEntity job = new TrainingJobEntity();
        job.id = UUID.randomUUID();
        job.status = JobStatus.QUEUED;
        job.spec = toJson(spec);
        job.stage = "queued";
        job.createdBy = user;
        job.createdAt = Instant.now();
        entityManager.persist(job);
        appendLog(job.id, "queued by " + user + ": " + spec.trainer() + " " + spec.task() + " of '" + target + "' on dataset "
                + dataset.name + " v" + dataset.version + ", registering as '" + registerAs + "'");
        audit.record(AuditAction.JOB_QUEUED, job.id.toString(), null, AuditLog.fields("status", job.status.name(),
                "experimentId", experimentId, "datasetId", dataset.id.toString(), "target", target, "task", spec.task().name(),
                "trainer", spec.trainer().name(), "params", params, "holdoutFraction", holdout, "seed", seed,
                "registerAs", registerAs, "minMetrics", gates));
        queued.fire(new JobQueued(job.id));
        return job;
    }

    /**
     * Queues a job with the spec of job {@code jobId} (its experiment, target, task, trainer and params, split,
     * registered model and gates) on dataset version {@code datasetId}, checked as {@link #submit} checks a
     * request: what retraining runs. {@code NOT_FOUND} for an unknown job.
     */
    public TrainingJobEntity resubmit(UUID jobId, UUID datasetId) {
        TrainingJobEntity source = entityManager.find(TrainingJobEntity.class, jobId);
        if (source == null) {
            throw ApiException.notFound("no training job with id " + jobId);
        }
        TrainingSpec spec = specOf(source);
        List<ParamInput> params = new ArrayList<>();
        spec.params().forEach((key, value) -> {
            if (value != null) {
                params.add(new ParamInput(key, value));
            }
        });
        List<ParamInput> gates = new ArrayList<>();
        spec.minMetrics().forEach((key, value) -> gates.add(new ParamInput(key, Double.toString(value))));
        return submit(new TrainModelInput(Long.toString(spec.experimentId()), datasetId.toString(), spec.target(), spec.task(),
                spec.trainer(), params, spec.holdoutFraction(), Math.toIntExact(spec.seed()), spec.registerAs(), gates));
    }

    /** The dataset version a job trains on. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public UUID datasetOf(TrainingJobEntity job) {
        return specOf(job).datasetId();
    }

    /**
     * Cancels a job. A queued job is {@code CANCELLED} at once; a running one is marked, and its worker stops at
     * its next checkpoint (between stages: Tribuo cannot interrupt a fit), registering nothing. A finished job
     * is {@code CONFLICT}.
     */
    public TrainingJobEntity cancel(String id) {
        String user = actor.get().name();
        TrainingJobEntity job = entityManager.find(TrainingJobEntity.class, parseId(id), LockModeType.PESSIMISTIC_WRITE);
        if (job == null) {
            throw ApiException.notFound("no training job with id " + id);
        }
        if (job.status.terminal()) {
            throw ApiException.conflict("job " + id + " is " + job.status + "; only queued or running jobs can be cancelled");
        }
        if (job.status == JobStatus.QUEUED) {
            job.status = JobStatus.CANCELLED;
            job.stage = "cancelled";
            job.finishedAt = Instant.now();
            appendLog(job.id, "cancelled by " + user + " before it started");
            audit.record(AuditAction.JOB_CANCELLED, job.id.toString(), AuditLog.fields("status", JobStatus.QUEUED.name()),
                    AuditLog.fields("status", job.status.name()));
        } else if (!job.cancelRequested) {
            job.cancelRequested = true;
            appendLog(job.id, "cancellation asked by " + user + "; the job stops at its next checkpoint");
            audit.record(AuditAction.JOB_CANCEL_REQUESTED, job.id.toString(), AuditLog.fields("cancelRequested", false),
                    AuditLog.fields("cancelRequested", true));
        }
        return job;
    }

    /** The job, or null. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public TrainingJobEntity find(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return entityManager.find(TrainingJobEntity.class, uuid);
    }

    /** A page of jobs, newest first, of one status or all. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public JobConnection page(JobStatus status, Page page) {
        String after = Cursors.decode(CURSOR, page.after());
        Instant afterTime = null;
        UUID afterId = null;
        if (after != null) {
            try {
                int bar = after.indexOf('|');
                afterTime = Instant.parse(after.substring(0, bar));
                afterId = UUID.fromString(after.substring(bar + 1));
            } catch (RuntimeException e) {
                throw ApiException.invalid("after: not a cursor of this list");
            }
        }
        String where = (status == null ? " where 1 = 1" : " where j.status = :status")
                + (after == null ? "" : " and (j.createdAt < :afterTime or (j.createdAt = :afterTime and j.id < :afterId))");
        var query = entityManager.createQuery("from TrainingJobEntity j" + where + " order by j.createdAt desc, j.id desc",
                TrainingJobEntity.class).setMaxResults(page.first() + 1);
        var count = entityManager.createQuery("select count(j) from TrainingJobEntity j"
                + (status == null ? "" : " where j.status = :status"), Long.class);
        if (status != null) {
            query.setParameter("status", status);
            count.setParameter("status", status);
        }
        if (after != null) {
            query.setParameter("afterTime", afterTime).setParameter("afterId", afterId);
        }
        List<TrainingJobEntity> rows = query.getResultList();
        List<JobConnection.JobEdge> edges = rows.stream().limit(page.first())
                .map(j -> new JobConnection.JobEdge(toApi(j), Cursors.encode(CURSOR, j.createdAt + "|" + j.id)))
                .toList();
        PageInfo info = new PageInfo(rows.size() > page.first(), after != null, edges.isEmpty() ? null : edges.get(0).cursor(),
                edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor());
        return new JobConnection(edges, info, count::getSingleResult);
    }

    /** The last {@code last} log lines of each of several jobs, oldest first, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<UUID, List<JobLogLine>> logsOf(Collection<UUID> jobIds, int last) {
        Map<UUID, List<JobLogLine>> logs = new HashMap<>();
        if (!jobIds.isEmpty() && last > 0) {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery("select job_id, seq, at, line from ("
                    + " select l.*, row_number() over (partition by l.job_id order by l.seq desc) as back"
                    + " from training_job_log l where l.job_id in (:ids)) l where back <= :last order by job_id, seq")
                    .setParameter("ids", jobIds).setParameter("last", last).getResultList();
            for (Object[] row : rows) {
                logs.computeIfAbsent((UUID) row[0], k -> new ArrayList<>())
                        .add(new JobLogLine(((Number) row[1]).intValue(), toInstant(row[2]), (String) row[3]));
            }
        }
        return logs;
    }

    /** Registered model ids by name, for the jobs' model versions, in one query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<String, Long> modelIds(Collection<String> names) {
        Map<String, Long> ids = new HashMap<>();
        if (!names.isEmpty()) {
            entityManager.createQuery("select m.name, m.id from RegisteredModelEntity m where m.name in :names", Object[].class)
                    .setParameter("names", names).getResultList().forEach(row -> ids.put((String) row[0], (Long) row[1]));
        }
        return ids;
    }

    /** The API view of a job. */
    public Job toApi(TrainingJobEntity job) {
        return Job.of(job, specOf(job));
    }

    /** The spec a job stores. */
    TrainingSpec specOf(TrainingJobEntity job) {
        try {
            return json.readValue(job.spec, TrainingSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job " + job.id + " has a spec this version cannot read", e);
        }
    }

    /** Appends a line to a job's log, numbered after the last one. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void appendLog(UUID jobId, String line) {
        entityManager.createNativeQuery("insert into training_job_log (job_id, seq, at, line) select :job,"
                + " coalesce((select max(seq) from training_job_log where job_id = :job), 0) + 1, now(), :line")
                .setParameter("job", jobId).setParameter("line", line).executeUpdate();
    }

    /** The dataset version, or {@code NOT_FOUND}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    DatasetVersionEntity dataset(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("datasetId: '" + id + "' is not a dataset version id");
        }
        DatasetVersionEntity dataset = entityManager.find(DatasetVersionEntity.class, uuid);
        if (dataset == null) {
            throw ApiException.notFound("no dataset version with id " + id);
        }
        return dataset;
    }

    private void checkTargetType(Task task, DatasetVersionEntity dataset, String target, String type) {
        if (task == Task.REGRESSION && !type.equals("NUMBER")) {
            throw ApiException.invalid("target: '" + target + "' is a " + type + " column; REGRESSION needs a NUMBER target");
        }
        if (task == Task.CLASSIFICATION && type.equals("NUMBER")) {
            DatasetTable table = tables.load(dataset.id);
            int index = table.columnNames().indexOf(target);
            for (int r = 0; r < table.rows().size(); r++) {
                Object value = table.rows().get(r)[index];
                if (value instanceof Double number && (number != Math.rint(number) || number.isInfinite())) {
                    throw ApiException.invalid("target: '" + target + "' is a NUMBER column with the value " + number
                            + " on line " + table.line(r) + "; CLASSIFICATION needs a TEXT target or one of whole numbers");
                }
            }
        }
    }

    private Map<String, String> columnsOf(DatasetVersionEntity dataset) {
        Map<String, String> columns = new LinkedHashMap<>();
        try {
            for (JsonNode column : json.readTree(dataset.columns)) {
                columns.put(column.path("name").asText(), column.path("type").asText());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dataset " + dataset.id + " has unreadable columns", e);
        }
        return columns;
    }

    private static Map<String, Double> gates(Task task, List<ParamInput> minMetrics) {
        Map<String, Double> gates = new TreeMap<>();
        for (ParamInput gate : minMetrics == null ? List.<ParamInput>of() : minMetrics) {
            if (!task.metrics().contains(gate.key())) {
                throw ApiException.invalid("minMetrics: '" + gate.key() + "' is not a metric of " + task + "; its metrics are "
                        + task.metrics());
            }
            double threshold;
            try {
                threshold = Double.parseDouble(gate.value().trim());
            } catch (NumberFormatException e) {
                throw ApiException.invalid("minMetrics: '" + gate.key() + "' needs a number, got '" + gate.value() + "'");
            }
            if (!Double.isFinite(threshold)) {
                throw ApiException.invalid("minMetrics: '" + gate.key() + "' needs a finite number");
            }
            if (gates.put(gate.key(), threshold) != null) {
                throw ApiException.invalid("minMetrics: '" + gate.key() + "' is given twice");
            }
        }
        return gates;
    }

    private String toJson(TrainingSpec spec) {
        try {
            return json.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a training spec", e);
        }
    }

    static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("'" + id + "' is not a job id");
        }
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime offset) {
            return offset.toInstant();
        }
        return ((java.sql.Timestamp) value).toInstant();
    }

}
