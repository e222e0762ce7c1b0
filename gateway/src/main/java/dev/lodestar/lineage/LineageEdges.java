package dev.lodestar.lineage;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.lodestar.experiments.RunIds;

/**
 * Records lineage edges ({@code lineage_edge}) in the transaction of the change that creates them. Node ids name
 * their kind, {@code kind:key}: {@code dataset:<id>} (a Lodestar dataset version), {@code run:<id>},
 * {@code model:<name>:<version>}, {@code approval:<promotion request id>}, {@code deployment:<name>},
 * {@code window:<deployment>:<version>:<start epoch second>}, {@code alert:<id>}, and for things known from outside
 * {@code job:<namespace>:<name>}, {@code dataset:<namespace>:<name>} (OpenLineage, as Marquez names them) and
 * {@code dataset:file:<path>} (a file named by a model's provenance). Recording an edge twice keeps the first.
 */
@ApplicationScoped
public class LineageEdges {

    /** A dataset version a run trained on: dataset to run (or to a model version registered without a run). */
    public static final String TRAINED_ON = "TRAINED_ON";
    /** A model version a run produced: run to model version. */
    public static final String PRODUCED = "PRODUCED";
    /** A promotion request approved for a model version: model version to approval. */
    public static final String APPROVED = "APPROVED";
    /** A deployment moved by an approved promotion's alias move: approval to deployment. */
    public static final String PROMOTED = "PROMOTED";
    /** A deployment served a model version (primary, canary or shadow): model version to deployment. */
    public static final String SERVES = "SERVES";
    /** A model version scored a prediction window: model version to window. */
    public static final String SCORED = "SCORED";
    /** A deployment served a prediction window: deployment to window. */
    public static final String SERVED = "SERVED";
    /** A window raised an alert: window to alert. */
    public static final String RAISED = "RAISED";
    /** An alert triggered a retraining run: alert to run. */
    public static final String TRIGGERED = "TRIGGERED";
    /** An OpenLineage run of a job: job to run. */
    public static final String RUN_OF = "RUN_OF";
    /** An OpenLineage input: dataset to run. */
    public static final String INPUT_TO = "INPUT_TO";
    /** An OpenLineage output: run to dataset. */
    public static final String OUTPUT_OF = "OUTPUT_OF";

    private final EntityManager entityManager;

    LineageEdges(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Records edge {@code from -> to} of {@code kind}; an edge already recorded stays as it was. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String from, String to, String kind) {
        entityManager.createNativeQuery("insert into lineage_edge (from_node, to_node, kind, created_at)"
                + " values (:from, :to, :kind, now()) on conflict do nothing")
                .setParameter("from", from).setParameter("to", to).setParameter("kind", kind).executeUpdate();
    }

    /**
     * Names a node no Lodestar table describes (an OpenLineage job, run or dataset, a file): its kind, namespace
     * (or null) and display name. The first name recorded for a node stays.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void name(String node, String namespace, String name) {
        entityManager.createNativeQuery("insert into lineage_node (node_id, kind, namespace, name, created_at)"
                + " values (:node, :kind, :namespace, :name, now()) on conflict do nothing")
                .setParameter("node", node).setParameter("kind", kindOf(node)).setParameter("namespace", namespace)
                .setParameter("name", name).executeUpdate();
    }

    /** The kind of a node id: what precedes its first colon. */
    public static String kindOf(String node) {
        int colon = node.indexOf(':');
        return colon < 0 ? node : node.substring(0, colon);
    }

    /** The key of a node id: what follows its first colon. */
    public static String keyOf(String node) {
        int colon = node.indexOf(':');
        return colon < 0 ? "" : node.substring(colon + 1);
    }

    public static String dataset(UUID id) {
        return "dataset:" + id;
    }

    public static String run(UUID id) {
        return "run:" + RunIds.format(id);
    }

    public static String modelVersion(String name, int version) {
        return "model:" + name + ":" + version;
    }

    public static String approval(long promotionRequestId) {
        return "approval:" + promotionRequestId;
    }

    public static String deployment(String name) {
        return "deployment:" + name;
    }

    /** A window of a deployment's live traffic answered by one version: {@code window:<deployment>:<version>:<start epoch second>}. */
    public static String window(String deployment, int version, Instant start) {
        return "window:" + deployment + ":" + version + ":" + start.getEpochSecond();
    }

    /** An alert a monitor raised. */
    public static String alert(long id) {
        return "alert:" + id;
    }

    /** An OpenLineage job. */
    public static String job(String namespace, String name) {
        return "job:" + namespace + ":" + name;
    }

    /** An OpenLineage run: its UUID as OpenLineage writes it. */
    public static String openLineageRun(UUID runId) {
        return "run:" + runId;
    }

    /** A dataset known from outside: an OpenLineage dataset, or {@code file} and a path for a file. */
    public static String externalDataset(String namespace, String name) {
        return "dataset:" + namespace + ":" + name;
    }
}
