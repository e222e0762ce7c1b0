package dev.lodestar.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;
import org.tribuo.Model;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.artifacts.ArtifactStore;
import dev.lodestar.artifacts.model.ArtifactEntity;
import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.lineage.ProvenanceLineage;
import dev.lodestar.registry.model.ModelVersionEntity;
import dev.lodestar.registry.model.ModelVersionStatus;
import dev.lodestar.registry.model.RegisteredModelEntity;
import dev.lodestar.tribuo.TribuoModels;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Registers versions waiting in {@code PENDING_REGISTRATION}: checks the artifact's bytes against their SHA-256,
 * reads Tribuo models (signature, output, provenance, and the lineage of the data the provenance names), and marks the version {@code READY} (a Tribuo model, or any
 * other file stored as is) or {@code FAILED_REGISTRATION} with the reason. Each outcome is audited as done by
 * Lodestar.
 *
 * <p>Work is claimed with {@code FOR UPDATE SKIP LOCKED}, so several gateways share it and a version is never
 * registered twice; a gateway that dies mid-way leaves the version pending for the next sweep. Registration starts
 * as soon as a version's transaction commits, and a sweep every few seconds catches anything left over.
 */
@ApplicationScoped
public class ModelVersionRegistration {

    private static final Logger LOG = Logger.getLogger(ModelVersionRegistration.class);

    private final EntityManager entityManager;
    private final ArtifactStore store;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final ManagedExecutor executor;
    private final ProvenanceLineage provenanceLineage;

    ModelVersionRegistration(EntityManager entityManager, ArtifactStore store, AuditLog audit, ObjectMapper json,
            ManagedExecutor executor, ProvenanceLineage provenanceLineage) {
        this.provenanceLineage = provenanceLineage;
        this.entityManager = entityManager;
        this.store = store;
        this.audit = audit;
        this.json = json;
        this.executor = executor;
    }

    void onCreated(@Observes(during = TransactionPhase.AFTER_SUCCESS) ModelRegistry.VersionCreated created) {
        executor.runAsync(this::sweep);
    }

    @Scheduled(every = "${lodestar.registry.sweep-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            while (QuarkusTransaction.requiringNew().call(this::registerNext)) {
                // one version per transaction, until none is pending
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "Model version registration failed; the next sweep retries");
        }
    }

    /** Registers the oldest pending version not taken by another gateway; false when there is none. */
    private boolean registerNext() {
        @SuppressWarnings("unchecked")
        List<Object[]> pending = entityManager.createNativeQuery("select model_id, version from model_version"
                + " where status = 'PENDING_REGISTRATION' order by created_at limit 1 for update skip locked")
                .getResultList();
        if (pending.isEmpty()) {
            return false;
        }
        long modelId = ((Number) pending.get(0)[0]).longValue();
        int number = ((Number) pending.get(0)[1]).intValue();
        ModelVersionEntity version = entityManager.find(ModelVersionEntity.class, new ModelVersionEntity.Key(modelId, number));
        RegisteredModelEntity model = entityManager.find(RegisteredModelEntity.class, modelId);
        ArtifactEntity artifact = entityManager.find(ArtifactEntity.class, version.artifactId);
        try {
            verify(artifact);
            try (InputStream content = store.open(artifact.sha256)) {
                Model<?> read = TribuoModels.read(content);
                TribuoModels.Description described = TribuoModels.describe(read);
                provenanceLineage.record(model.name, number, version.runId, read);
                version.format = "TRIBUO";
                version.signature = json.writeValueAsString(described.signature());
                version.output = json.writeValueAsString(described.output());
                version.provenance = described.provenanceJson();
            } catch (TribuoModels.NotTribuo e) {
                version.format = "FILE";
            }
            version.status = ModelVersionStatus.READY;
            version.statusMessage = null;
        } catch (TribuoModels.Unreadable | IOException e) {
            version.status = ModelVersionStatus.FAILED_REGISTRATION;
            version.statusMessage = e.getMessage();
        }
        version.updatedAt = Instant.now();
        audit.recordAsSystem(version.status == ModelVersionStatus.READY ? AuditAction.MODEL_VERSION_READY
                : AuditAction.MODEL_VERSION_FAILED, ModelRegistry.versionId(model, number),
                AuditLog.fields("status", ModelVersionStatus.PENDING_REGISTRATION.name()),
                AuditLog.fields("status", version.status.name(), "format", version.format, "message", version.statusMessage),
                null);
        LOG.infof("Model %s version %d: %s%s", model.name, number, version.status,
                version.statusMessage == null ? "" : " (" + version.statusMessage + ")");
        return true;
    }

    /** Reads the stored bytes whole: the store's stream fails at the end unless they still hash to the artifact's SHA-256. */
    private void verify(ArtifactEntity artifact) throws IOException {
        if (!store.contains(artifact.sha256)) {
            throw new IOException("the artifact's content " + artifact.sha256 + " is missing from the store");
        }
        try (InputStream content = store.open(artifact.sha256)) {
            content.transferTo(OutputStream.nullOutputStream());
        }
    }
}
