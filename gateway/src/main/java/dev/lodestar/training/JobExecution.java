package dev.lodestar.training;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;

import dev.lodestar.artifacts.ArtifactService;
import dev.lodestar.artifacts.ArtifactStore;
import dev.lodestar.artifacts.ArtifactsConfig;
import dev.lodestar.artifacts.model.ArtifactEntity;
import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.datasets.DatasetTable;
import dev.lodestar.datasets.DatasetTables;
import dev.lodestar.datasets.model.DatasetVersionEntity;
import dev.lodestar.drift.ReferenceProfiles;
import dev.lodestar.drift.sketch.Profile;
import dev.lodestar.experiments.MetricInput;
import dev.lodestar.experiments.ParamInput;
import dev.lodestar.experiments.RunBatchWriter;
import dev.lodestar.experiments.RunIds;
import dev.lodestar.experiments.RunService;
import dev.lodestar.experiments.TagInput;
import dev.lodestar.experiments.model.RunEntity;
import dev.lodestar.experiments.model.RunStatus;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.identity.Actor;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.lineage.LineageEdges;
import dev.lodestar.registry.ModelRegistry;
import dev.lodestar.registry.model.ModelVersionEntity;
import dev.lodestar.registry.model.ModelVersionStatus;
import dev.lodestar.registry.model.RegisteredModelEntity;
import dev.lodestar.training.model.JobStatus;
import dev.lodestar.training.model.TrainingJobEntity;
import dev.lodestar.tribuo.InputSchema;
import dev.lodestar.tribuo.TribuoModels;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Runs one claimed attempt of a training job through its stages: loading the dataset, encoding, training,
 * evaluating, storing the artifact, registering. Each stage is recorded (stage, progress, a log line) in its own
 * short transaction, checking on the way that this worker still holds the lease and that nobody asked to cancel.
 * Everything the job produces is written at the end in one transaction: the run's params, metrics and status,
 * the artifact, the model (created if missing) and its version, the version's reference profile for drift
 * monitoring (the dataset's input columns, the predictions on the holdout), the lineage edges and the job's
 * outcome; a crash
 * before it leaves no half-registered model, only a job whose lease runs out and is retried.
 *
 * <p>Cancellation is honoured between stages. Tribuo's trainers cannot be interrupted inside a fit (nor between
 * a forest's trees or SGD's epochs from outside), so a job cancelled while it trains stops when the fit returns,
 * discarding the model. The work runs as Lodestar itself: audit events of the run, artifact, model version and
 * job outcome are recorded as the system, while the run's user, the model's owner (when the job creates it) and
 * the version's creator are the person who queued the job.
 */
@ApplicationScoped
public class JobExecution {

    private static final Logger LOG = Logger.getLogger(JobExecution.class);

    private final EntityManager entityManager;
    private final TrainingJobs jobs;
    private final DatasetTables tables;
    private final RunService runs;
    private final RunBatchWriter runWriter;
    private final ArtifactStore store;
    private final ArtifactService artifacts;
    private final ArtifactsConfig artifactsConfig;
    private final ModelRegistry registry;
    private final LineageEdges lineage;
    private final ReferenceProfiles references;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final ObjectMapper json;

    JobExecution(EntityManager entityManager, TrainingJobs jobs, DatasetTables tables, RunService runs, RunBatchWriter runWriter,
            ArtifactStore store, ArtifactService artifacts, ArtifactsConfig artifactsConfig, ModelRegistry registry,
            LineageEdges lineage, ReferenceProfiles references, AuditLog audit, CurrentActor actor, ObjectMapper json) {
        this.entityManager = entityManager;
        this.jobs = jobs;
        this.tables = tables;
        this.runs = runs;
        this.runWriter = runWriter;
        this.store = store;
        this.artifacts = artifacts;
        this.artifactsConfig = artifactsConfig;
        this.registry = registry;
        this.lineage = lineage;
        this.references = references;
        this.audit = audit;
        this.actor = actor;
        this.json = json;
    }

    /** The job was cancelled; it stops without registering anything. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    /** Another worker holds the job now (this one stalled past its lease); this attempt writes nothing more. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super("lease lost", null, false, false);
        }
    }

    /** What training produced. */
    private record Outcome(Model<?> model, InputSchema schema, Map<String, Double> metrics, int trainingRows, int holdoutRows,
            int features, long trainMillis, Profile predictions) {
    }

    /** Runs attempt {@code attempt} of job {@code jobId}, held by {@code owner}. */
    @ActivateRequestContext
    public void run(UUID jobId, String owner, int attempt) {
        actor.actAs(Actor.SYSTEM);
        Attempt current = new Attempt(jobId, owner, attempt);
        TrainingJobEntity job = QuarkusTransaction.requiringNew().call(() -> entityManager.find(TrainingJobEntity.class, jobId));
        current.runId = job.runId;
        TrainingSpec spec = jobs.specOf(job);
        try {
            current.stage("loading dataset", 0.05);
            DatasetTable table = QuarkusTransaction.requiringNew().call(() -> tables.load(spec.datasetId()));
            DatasetVersionEntity dataset = table.version();
            QuarkusTransaction.requiringNew().run(() -> startRun(current, job, spec, dataset));
            current.log("dataset " + dataset.name + " v" + dataset.version + ": " + table.rows().size() + " rows, "
                    + table.columnNames().size() + " columns; run " + RunIds.format(current.runId));
            current.checkpoint();

            current.stage("encoding", 0.15);
            List<Boolean> numeric = table.types().stream().map(t -> t == InputSchema.ColumnType.NUMBER).toList();
            FeatureEncoder.Table encoderInput = new FeatureEncoder.Table(table.columnNames(), numeric, table.rows(),
                    lines(table));
            String description = "dataset " + dataset.name + " v" + dataset.version + " (" + dataset.id + ")";
            Outcome outcome = spec.task() == Task.CLASSIFICATION
                    ? fit(current, spec, FeatureEncoder.forClassification(encoderInput, spec.target(), spec.refuseMissing(),
                            spec.holdoutFraction(), spec.seed(), description),
                            TrainerCatalog.classifier(spec.trainer(), spec.params()), Evaluation::classification)
                    : fit(current, spec, FeatureEncoder.forRegression(encoderInput, spec.target(), spec.refuseMissing(),
                            spec.holdoutFraction(), spec.seed(), description),
                            TrainerCatalog.regressor(spec.trainer(), spec.params()), Evaluation::regression);
            Profile features = ReferenceProfiles.features(outcome.schema(), table);
            current.log("reference profile: " + features.rows() + " rows of " + features.columns().size() + " input columns, "
                    + outcome.predictions().rows() + " holdout predictions");
            current.checkpoint();

            current.stage("storing artifact", 0.85);
            byte[] bytes = outcome.model().serialize().toByteArray();
            ArtifactStore.Blob blob = store.put(new ByteArrayInputStream(bytes), artifactsConfig.maxSize().asLongValue());
            current.log("model stored: " + bytes.length + " bytes, sha256 " + blob.sha256());
            current.checkpoint();

            current.stage("registering", 0.95);
            QuarkusTransaction.requiringNew().run(() -> finish(current, spec, dataset, outcome, blob, features));
        } catch (Cancelled e) {
            end(current, JobStatus.CANCELLED, null);
        } catch (LeaseLost e) {
            LOG.warnf("Training job %s: attempt %d lost its lease to another worker and stops", jobId, attempt);
        } catch (FeatureEncoder.Refused | ApiException e) {
            end(current, JobStatus.FAILED, e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "Training job %s failed", jobId);
            end(current, JobStatus.FAILED, "training failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /**
     * Closes a job, inside the caller's transaction: an attempt that ended without a model, or a claim finding a
     * dead worker's job that was cancelled or is out of attempts. Audited as the system, naming the worker of the
     * job's last attempt.
     */
    void close(TrainingJobEntity job, JobStatus status, String error) {
        String worker = job.leaseOwner;
        JobStatus before = job.status;
        job.status = status;
        job.error = error;
        job.stage = status == JobStatus.CANCELLED ? "cancelled" : "failed";
        job.finishedAt = Instant.now();
        job.leaseOwner = null;
        job.leaseUntil = null;
        endRun(job.runId, status == JobStatus.CANCELLED ? RunStatus.KILLED : RunStatus.FAILED);
        jobs.appendLog(job.id, status == JobStatus.CANCELLED ? "cancelled" : "failed: " + error);
        audit.recordAsSystem(status == JobStatus.CANCELLED ? AuditAction.JOB_CANCELLED : AuditAction.JOB_FAILED, job.id.toString(),
                AuditLog.fields("status", before.name()),
                AuditLog.fields("status", status.name(), "error", error, "worker", worker, "attempt", job.attempts), error);
    }

    /**
     * Trains on the encoded training split (standardizing numbers first when the trainer's params ask for it) and
     * evaluates on the holdout, with stage, log and checkpoints.
     */
    private <T extends Output<T>> Outcome fit(Attempt current, TrainingSpec spec, FeatureEncoder.Encoded<T> data,
            Trainer<T> trainer, BiFunction<Model<T>, Dataset<T>, Map<String, Double>> evaluate) {
        describeEncoding(current, data);
        current.checkpoint();
        current.stage("training", 0.25);
        Trainer<T> standardizing = TrainerCatalog.standardized(trainer, spec.params(), data.schema(), data.training());
        long started = System.nanoTime();
        Model<T> model = standardizing.train(data.training(), instanceProvenance(current, data.schema()));
        long millis = (System.nanoTime() - started) / 1_000_000;
        current.log("trained " + spec.trainer() + " in " + millis + " ms");
        current.checkpoint();
        current.stage("evaluating", 0.75);
        Map<String, Double> metrics = evaluate.apply(model, data.holdout());
        current.log("holdout metrics: " + shown(metrics));
        Profile predictions = ReferenceProfiles.predictions(model.predict(data.holdout()), spec.task() == Task.CLASSIFICATION);
        return new Outcome(model, data.schema(), metrics, data.training().size(), data.holdout().size(),
                data.training().getFeatureMap().size(), millis, predictions);
    }

    private static void describeEncoding(Attempt current, FeatureEncoder.Encoded<?> data) {
        current.log("encoded " + data.schema().columns().size() + " input columns into " + data.training().getFeatureMap().size()
                + " features; " + data.training().size() + " training rows, " + data.holdout().size() + " holdout rows"
                + (data.droppedRows() > 0 ? "; " + data.droppedRows() + " rows left out (no target or no input)" : "")
                + (data.imputedCells() > 0 ? "; " + data.imputedCells() + " missing numbers imputed with the training mean" : ""));
    }

    private static Map<String, Provenance> instanceProvenance(Attempt current, InputSchema schema) {
        Map<String, Provenance> provenance = new HashMap<>(schema.asProvenance());
        provenance.put("lodestar-job", new StringProvenance("lodestar-job", current.jobId.toString()));
        return provenance;
    }

    /** Creates the job's run on its first attempt; later attempts continue it. */
    private void startRun(Attempt current, TrainingJobEntity job, TrainingSpec spec, DatasetVersionEntity dataset) {
        if (current.runId != null) {
            return;
        }
        RunEntity run = runs.create(spec.experimentId(), spec.trainer().name().toLowerCase() + "-" + job.id.toString().substring(0, 8),
                null, List.of(new TagInput("lodestar.job", job.id.toString()), new TagInput("lodestar.dataset", dataset.id.toString()),
                        new TagInput("lodestar.dataset.name", dataset.name + " v" + dataset.version),
                        new TagInput("lodestar.trainer", spec.trainer().name()), new TagInput("lodestar.task", spec.task().name())));
        run.userName = job.createdBy;
        int updated = entityManager.createNativeQuery("update training_job set run_id = :run where id = :id and lease_owner = :owner"
                + " and status = 'RUNNING'").setParameter("run", run.id).setParameter("id", current.jobId)
                .setParameter("owner", current.owner).executeUpdate();
        if (updated == 0) {
            throw new LeaseLost();
        }
        current.runId = run.id;
    }

    /** The end of a successful attempt, in one transaction. */
    private void finish(Attempt current, TrainingSpec spec, DatasetVersionEntity dataset, Outcome outcome, ArtifactStore.Blob blob,
            Profile features) {
        TrainingJobEntity job = entityManager.find(TrainingJobEntity.class, current.jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job.status != JobStatus.RUNNING || !current.owner.equals(job.leaseOwner)) {
            throw new LeaseLost();
        }
        if (job.cancelRequested) {
            throw new Cancelled();
        }
        String runId = RunIds.format(current.runId);
        List<ParamInput> params = new ArrayList<>();
        spec.params().forEach((key, value) -> params.add(new ParamInput(key, value)));
        params.add(new ParamInput("task", spec.task().name()));
        params.add(new ParamInput("trainer", spec.trainer().name()));
        params.add(new ParamInput("target", spec.target()));
        params.add(new ParamInput("dataset", dataset.id.toString()));
        params.add(new ParamInput("holdoutFraction", Double.toString(spec.holdoutFraction())));
        params.add(new ParamInput("splitSeed", Long.toString(spec.seed())));
        params.add(new ParamInput("rows.training", Integer.toString(outcome.trainingRows())));
        params.add(new ParamInput("rows.holdout", Integer.toString(outcome.holdoutRows())));
        params.add(new ParamInput("features", Integer.toString(outcome.features())));
        List<MetricInput> metrics = new ArrayList<>();
        outcome.metrics().forEach((key, value) -> metrics.add(new MetricInput(key, value, 0, null)));
        metrics.add(new MetricInput("training_seconds", outcome.trainMillis() / 1000.0, 0, null));
        runWriter.logBatch(runId, null, metrics, params, List.of());

        ArtifactEntity artifact = artifacts.register(blob, "application/octet-stream", "model.tribuo");
        artifact.createdBy = job.createdBy;
        artifacts.logToRun(runId, "model/model.tribuo", artifact.id.toString());
        runs.update(runId, RunStatus.FINISHED, null, null);

        // Two gateways finishing the first jobs of a new model at once: the second waits here and finds the model.
        registry.holdName(spec.registerAs());
        RegisteredModelEntity model = registry.find(spec.registerAs());
        if (model == null) {
            model = registry.create(spec.registerAs(), "Trained by Lodestar training jobs.");
            model.owner = job.createdBy;
        }
        ModelVersionEntity version = registry.createVersion(spec.registerAs(), artifact.id.toString(), runId,
                spec.trainer() + " " + spec.task().name().toLowerCase() + " of '" + spec.target() + "' on dataset " + dataset.name
                        + " v" + dataset.version + ", by training job " + job.id);
        version.createdBy = job.createdBy;
        List<String> unmet = spec.unmetGates(outcome.metrics());
        String gateFailure = unmet.isEmpty() ? null : "evaluation gate: " + String.join("; ", unmet);
        if (gateFailure != null) {
            refuse(model, version, outcome.model(), gateFailure);
        } else {
            references.store(model, version.version, dataset.id, features, outcome.predictions(), ReferenceProfiles.Source.TRAINING,
                    job.createdBy);
        }
        lineage.record(LineageEdges.dataset(dataset.id), LineageEdges.run(current.runId), LineageEdges.TRAINED_ON);
        lineage.record(LineageEdges.run(current.runId), LineageEdges.modelVersion(model.name, version.version), LineageEdges.PRODUCED);

        job.status = gateFailure == null ? JobStatus.SUCCEEDED : JobStatus.FAILED;
        job.error = gateFailure;
        job.progress = 1.0;
        job.stage = "done";
        job.modelName = model.name;
        job.modelVersion = version.version;
        job.finishedAt = Instant.now();
        job.leaseOwner = null;
        job.leaseUntil = null;
        jobs.appendLog(job.id, gateFailure == null
                ? "registered " + model.name + " version " + version.version + "; registration checks it next"
                : "recorded " + model.name + " version " + version.version + " as FAILED_REGISTRATION: " + gateFailure);
        audit.recordAsSystem(gateFailure == null ? AuditAction.JOB_SUCCEEDED : AuditAction.JOB_FAILED, job.id.toString(),
                AuditLog.fields("status", JobStatus.RUNNING.name()),
                AuditLog.fields("status", job.status.name(), "runId", runId, "model", model.name, "version", version.version,
                        "metrics", outcome.metrics(), "error", gateFailure, "worker", current.owner, "attempt", current.attempt),
                gateFailure);
    }

    /** Records a version that missed a gate: described like a registered one, but FAILED_REGISTRATION with the reason. */
    private void refuse(RegisteredModelEntity model, ModelVersionEntity version, Model<?> trained, String reason) {
        TribuoModels.Description described = TribuoModels.describe(trained);
        try {
            version.format = "TRIBUO";
            version.signature = json.writeValueAsString(described.signature());
            version.output = json.writeValueAsString(described.output());
            version.provenance = described.provenanceJson();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a model description", e);
        }
        version.status = ModelVersionStatus.FAILED_REGISTRATION;
        version.statusMessage = reason;
        version.updatedAt = Instant.now();
        audit.recordAsSystem(AuditAction.MODEL_VERSION_FAILED, ModelRegistry.versionId(model, version.version),
                AuditLog.fields("status", ModelVersionStatus.PENDING_REGISTRATION.name()),
                AuditLog.fields("status", version.status.name(), "format", version.format, "message", reason), reason);
    }

    /** Ends an attempt that did not succeed, unless another worker took the job over meanwhile. */
    private void end(Attempt current, JobStatus status, String error) {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                TrainingJobEntity job = entityManager.find(TrainingJobEntity.class, current.jobId, LockModeType.PESSIMISTIC_WRITE);
                if (job.status != JobStatus.RUNNING || !current.owner.equals(job.leaseOwner)) {
                    return;
                }
                close(job, status, error);
            });
        } catch (RuntimeException e) {
            LOG.errorf(e, "Training job %s: recording its end failed; its lease runs out and it is retried", current.jobId);
        }
    }

    private void endRun(UUID runId, RunStatus status) {
        if (runId == null) {
            return;
        }
        RunEntity run = entityManager.find(RunEntity.class, runId, LockModeType.PESSIMISTIC_WRITE);
        if (run == null || run.status.terminal()) {
            return;
        }
        RunStatus before = run.status;
        run.status = status;
        run.endTime = Instant.now();
        audit.recordAsSystem(AuditAction.RUN_UPDATED, RunIds.format(runId), AuditLog.fields("status", before.name()),
                AuditLog.fields("status", status.name(), "endTime", run.endTime), null);
    }

    private static long[] lines(DatasetTable table) {
        long[] lines = new long[table.rows().size()];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = table.line(i);
        }
        return lines;
    }

    private static String shown(Map<String, Double> metrics) {
        Map<String, String> shown = new LinkedHashMap<>();
        metrics.forEach((k, v) -> shown.put(k, TrainingSpec.format(v)));
        return shown.toString();
    }

    /** One attempt's hold on its job: its stages, log lines and checkpoints, each in a short transaction of its own. */
    private final class Attempt {
        final UUID jobId;
        final String owner;
        final int attempt;
        UUID runId;

        Attempt(UUID jobId, String owner, int attempt) {
            this.jobId = jobId;
            this.owner = owner;
            this.attempt = attempt;
        }

        /** Enters a stage; {@link LeaseLost} when the job is no longer this worker's. */
        void stage(String stage, double progress) {
            QuarkusTransaction.requiringNew().run(() -> {
                int updated = entityManager.createNativeQuery("update training_job set stage = :stage, progress = :progress"
                        + " where id = :id and lease_owner = :owner and status = 'RUNNING'")
                        .setParameter("stage", stage).setParameter("progress", progress).setParameter("id", jobId)
                        .setParameter("owner", owner).executeUpdate();
                if (updated == 0) {
                    throw new LeaseLost();
                }
                jobs.appendLog(jobId, stage);
            });
        }

        void log(String line) {
            QuarkusTransaction.requiringNew().run(() -> jobs.appendLog(jobId, line));
        }

        /** Stops the attempt if it was cancelled or lost its lease. */
        void checkpoint() {
            Object[] row = QuarkusTransaction.requiringNew().call(() -> (Object[]) entityManager.createNativeQuery(
                    "select status, lease_owner, cancel_requested from training_job where id = :id")
                    .setParameter("id", jobId).getSingleResult());
            if (!"RUNNING".equals(row[0]) || !owner.equals(row[1])) {
                throw new LeaseLost();
            }
            if (Boolean.TRUE.equals(row[2])) {
                throw new Cancelled();
            }
        }
    }
}
