package dev.lodestar.lineage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.lodestar.deploy.model.PredictionId;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.registry.ModelRegistry;
import dev.lodestar.registry.ModelVersion;
import dev.lodestar.registry.model.ModelVersionEntity;

/**
 * What a deployment served when, read from {@code deployment_history}: every change appends a row with the desired
 * state after it and rows outlive the deployment, so the version served at {@code t} is that of the latest row at
 * or before {@code t} (none before creation, a {@code DELETED} row after deletion). Also resolves prediction ids,
 * which carry their deployment, version and second, to the run, data and approval behind them.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class ServingHistory {

    private final EntityManager entityManager;
    private final ModelRegistry registry;
    private final Lineage lineage;

    ServingHistory(EntityManager entityManager, ModelRegistry registry, Lineage lineage) {
        this.entityManager = entityManager;
        this.registry = registry;
        this.lineage = lineage;
    }

    /**
     * The periods of a deployment, oldest first: one per change, ending at the next change or at deletion.
     *
     * @throws ApiException {@code NOT_FOUND} when no deployment of that name ever existed
     */
    public List<ServingPeriod> periods(String deployment) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select h.reason, m.name, h.alias, h.primary_version, h.canary_version, h.canary_percent, h.shadow_version,
                       h.at, h.detail, h.actor,
                       coalesce(h.approval_id, (select r.id from promotion_request r where r.model_id = h.model_id
                           and r.alias = h.alias and r.version = h.primary_version and r.status = 'APPROVED'
                           and r.decided_at <= h.at order by r.decided_at desc limit 1))
                from deployment_history h join registered_model m on m.id = h.model_id
                where h.deployment_name = :name order by h.at, h.id""").setParameter("name", deployment).getResultList();
        if (rows.isEmpty()) {
            throw ApiException.notFound("no deployment named '" + deployment + "' ever existed");
        }
        List<ServingPeriod> periods = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            if ("DELETED".equals(row[0])) {
                continue;
            }
            Instant to = i + 1 < rows.size() ? instant(rows.get(i + 1)[7]) : null;
            periods.add(new ServingPeriod(deployment, (String) row[1], ((Number) row[3]).intValue(), (String) row[2],
                    integer(row[4]), integer(row[5]), integer(row[6]), instant(row[7]), to, (String) row[0], (String) row[8],
                    (String) row[9], row[10] == null ? null : row[10].toString()));
        }
        return periods;
    }

    /** Names of deployments with a history (deleted ones included), by name, at most {@code limit}. */
    @SuppressWarnings("unchecked")
    public List<String> deploymentNames(int limit) {
        return entityManager.createNativeQuery("select distinct deployment_name from deployment_history order by deployment_name"
                + " limit :limit").setParameter("limit", limit).getResultList();
    }

    /** The period covering {@code at}, or null before creation and after deletion; {@code NOT_FOUND} as {@link #periods}. */
    public ServingPeriod periodAt(String deployment, Instant at) {
        if (at == null) {
            throw ApiException.invalid("at is required");
        }
        return periods(deployment).stream().filter(p -> p.covers(at)).findFirst().orElse(null);
    }

    /** The primary version a deployment served at {@code at}, or null before creation and after deletion. */
    public ModelVersion servingAt(String deployment, Instant at) {
        ServingPeriod period = periodAt(deployment, at);
        return period == null ? null : version(period.model(), period.version());
    }

    /**
     * Resolves a prediction id: its deployment's model, the version's run, the data the run (or the version) was
     * trained on, and the approval it served under.
     *
     * @throws ApiException {@code INVALID_ARGUMENT} for text that is not a prediction id, {@code NOT_FOUND} for a
     *                      deployment that never existed or a version it never served
     */
    public PredictionTrace trace(String id) {
        PredictionId parsed;
        try {
            parsed = PredictionId.parse(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("not a prediction id: " + e.getMessage());
        }
        List<ServingPeriod> periods = periods(parsed.deployment());
        ServingPeriod then = periods.stream().filter(p -> p.covers(parsed.at())).findFirst().orElse(null);
        String role = then == null ? null : then.version() == parsed.version() ? "PRIMARY"
                : Objects.equals(then.canaryVersion(), parsed.version()) ? "CANARY"
                : Objects.equals(then.shadowVersion(), parsed.version()) ? "SHADOW" : null;
        boolean served = periods.stream().anyMatch(p -> p.version() == parsed.version()
                || Objects.equals(p.canaryVersion(), parsed.version()) || Objects.equals(p.shadowVersion(), parsed.version()));
        if (!served) {
            throw ApiException.notFound("deployment '" + parsed.deployment() + "' never served version " + parsed.version());
        }
        // A deployment keeps its model for life: only what it serves of it changes.
        String model = periods.get(0).model();
        ModelVersion version = version(model, parsed.version());
        String modelNode = LineageEdges.modelVersion(model, parsed.version());
        String trainedBy = version.runId() == null ? modelNode : "run:" + version.runId();
        List<String> sources = new ArrayList<>();
        for (String node : List.of(modelNode, trainedBy)) {
            lineage.edgesAround(node).stream().filter(e -> e.to().equals(node) && e.kind().equals(LineageEdges.TRAINED_ON))
                    .map(LineageEdge::from).filter(n -> !sources.contains(n)).forEach(sources::add);
        }
        String approval = "PRIMARY".equals(role) ? then.approvalId() : approvedBefore(version.modelId(), parsed.version(), parsed.at());
        return new PredictionTrace(parsed.toString(), parsed.deployment(), model, parsed.version(), parsed.at(), answer(parsed.answer()),
                role, version, version.runId(), lineage.nodes(sources), approval);
    }

    /** The latest promotion request approved for a version at or before {@code at}, or null. */
    private String approvedBefore(long modelId, int version, Instant at) {
        List<?> ids = entityManager.createNativeQuery("select id from promotion_request where model_id = :model and version = :version"
                + " and status = 'APPROVED' and decided_at <= :at order by decided_at desc limit 1")
                .setParameter("model", modelId).setParameter("version", version).setParameter("at", at).getResultList();
        return ids.isEmpty() ? null : ids.get(0).toString();
    }

    private ModelVersion version(String model, int number) {
        ModelVersionEntity entity = registry.getVersion(registry.get(model), number);
        return registry.toApi(List.of(entity)).get(0);
    }

    private static String answer(PredictionId.Answer answer) {
        if (answer instanceof PredictionId.Label label) {
            return label.label();
        }
        if (answer instanceof PredictionId.Value value) {
            return Double.toString(value.value());
        }
        return null;
    }

    private static Integer integer(Object value) {
        return value == null ? null : ((Number) value).intValue();
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        return ((java.time.OffsetDateTime) value).toInstant();
    }
}
