package dev.lodestar.lineage;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.tribuo.Model;

/**
 * Lineage read from a Tribuo model's provenance, for versions registered from outside a Lodestar training job:
 * each data file the provenance names becomes a {@code TRAINED_ON} edge. A file whose SHA-256 is that of a Lodestar
 * dataset version is that version ({@code dataset:<id>}); any other is {@code dataset:file:<path>}. The edge leads
 * to the version's run when it names one (with {@code PRODUCED} from the run to the version), else to the version
 * itself. Versions a training job produced already have their edges, which are the authority, and are left alone.
 */
@ApplicationScoped
public class ProvenanceLineage {

    private final EntityManager entityManager;
    private final LineageEdges edges;

    ProvenanceLineage(EntityManager entityManager, LineageEdges edges) {
        this.entityManager = entityManager;
        this.edges = edges;
    }

    /** Records what {@code model}, registered as version {@code version} of {@code modelName}, was trained on. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String modelName, int version, UUID runId, Model<?> model) {
        String target = LineageEdges.modelVersion(modelName, version);
        boolean produced = !entityManager.createNativeQuery("select 1 from lineage_edge where to_node = :node and kind = :kind")
                .setParameter("node", target).setParameter("kind", LineageEdges.PRODUCED).setMaxResults(1).getResultList().isEmpty();
        if (produced) {
            return;
        }
        List<TrainingSources.Source> sources = TrainingSources.of(model.getProvenance());
        if (sources.isEmpty()) {
            return;
        }
        String trainedBy = target;
        if (runId != null) {
            trainedBy = LineageEdges.run(runId);
            edges.record(trainedBy, target, LineageEdges.PRODUCED);
        }
        for (TrainingSources.Source source : sources) {
            String node = node(source);
            if (node != null) {
                edges.record(node, trainedBy, LineageEdges.TRAINED_ON);
            }
        }
    }

    private String node(TrainingSources.Source source) {
        if (source.sha256() != null) {
            @SuppressWarnings("unchecked")
            List<UUID> datasets = entityManager.createNativeQuery("select id from dataset_version where sha256 = :sha"
                    + " order by created_at, id limit 1", UUID.class).setParameter("sha", source.sha256()).getResultList();
            if (!datasets.isEmpty()) {
                return LineageEdges.dataset(datasets.get(0));
            }
        }
        if (source.path() == null) {
            return null;
        }
        String node = LineageEdges.externalDataset("file", source.path());
        String fileName = source.path().substring(source.path().lastIndexOf('/') + 1);
        edges.name(node, "file", fileName.isEmpty() ? source.path() : fileName);
        return node;
    }
}
