package dev.lodestar.lineage;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.lodestar.experiments.RunIds;

/**
 * Records lineage edges ({@code lineage_edge}) in the transaction of the change that creates them. Node ids name
 * their kind: {@code dataset:<id>}, {@code run:<id>}, {@code model:<name>:<version>}; recording an edge twice keeps
 * the first.
 */
@ApplicationScoped
public class LineageEdges {

    /** A dataset version a run trained on: dataset to run. */
    public static final String TRAINED_ON = "TRAINED_ON";
    /** A model version a run produced: run to model version. */
    public static final String PRODUCED = "PRODUCED";

    private final EntityManager entityManager;

    LineageEdges(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String from, String to, String kind) {
        entityManager.createNativeQuery("insert into lineage_edge (from_node, to_node, kind, created_at)"
                + " values (:from, :to, :kind, now()) on conflict do nothing")
                .setParameter("from", from).setParameter("to", to).setParameter("kind", kind).executeUpdate();
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
}
