package dev.lodestar.drift;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;

import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.deploy.model.Outcome;
import dev.lodestar.deploy.model.PredictionId;
import dev.lodestar.graphql.ApiException;

/**
 * Actual outcomes of predictions. The prediction id carries the deployment, version, time and answer, so an outcome
 * is one row and nothing had to be stored when the prediction was made. The first outcome reported for an id
 * stays; later ones are counted as known and dropped. For a regression answer the outcome must be a decimal number.
 */
@ApplicationScoped
@Transactional
public class Feedback {

    /** Where an outcome came from. */
    enum Source {
        /** The inference server's {@code Feedback} call, shipped with its windows. */
        INFERENCE,
        /** {@code logFeedback}. */
        GRAPHQL
    }


    /** An outcome that passed the checks. */
    record Checked(String text, PredictionId id, String actual) {
    }

    private final EntityManager entityManager;
    private final AuditLog audit;
    private final DriftStore store;
    private final DriftConfig config;

    Feedback(EntityManager entityManager, AuditLog audit, DriftStore store, DriftConfig config) {
        this.entityManager = entityManager;
        this.audit = audit;
        this.store = store;
        this.config = config;
    }

    /**
     * Stores outcomes sent over GraphQL, audited as one event naming how many and for which deployments.
     *
     * @throws ApiException INVALID_ARGUMENT naming the first bad outcome (nothing is stored); NOT_FOUND for a
     *                      deployment that never existed
     */
    public FeedbackResult log(List<OutcomeInput> outcomes) {
        List<Checked> checked = check(outcomes);
        TreeSet<String> deployments = new TreeSet<>();
        checked.forEach(c -> deployments.add(c.id().deployment()));
        for (String deployment : deployments) {
            if (!store.known(deployment)) {
                throw ApiException.notFound("no deployment named '" + deployment + "' (from prediction id "
                        + checked.stream().filter(c -> c.id().deployment().equals(deployment)).findFirst().orElseThrow().text() + ")");
            }
        }
        int accepted = store(checked, Source.GRAPHQL);
        audit.record(AuditAction.FEEDBACK_LOGGED, String.join(",", deployments), null,
                AuditLog.fields("outcomes", checked.size(), "accepted", accepted, "deployments", List.copyOf(deployments)));
        return new FeedbackResult(checked.size(), accepted, checked.size() - accepted);
    }

    /**
     * Checks outcomes: each id parses as a prediction id, each actual is present (and a decimal number for a
     * regression answer).
     *
     * @throws ApiException INVALID_ARGUMENT naming the first bad one
     */
    List<Checked> check(List<OutcomeInput> outcomes) {
        if (outcomes == null) {
            throw ApiException.invalid("outcomes are required");
        }
        if (outcomes.size() > config.maxOutcomes()) {
            throw ApiException.invalid("at most " + config.maxOutcomes() + " outcomes at once, got " + outcomes.size());
        }
        List<Checked> checked = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            OutcomeInput outcome = outcomes.get(i);
            if (outcome == null) {
                throw ApiException.invalid("outcome " + i + " is empty");
            }
            Outcome valid;
            try {
                valid = Outcome.of(outcome.predictionId(), outcome.actual());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("outcome " + i + " (" + outcome.predictionId() + "): " + e.getMessage());
            }
            checked.add(new Checked(outcome.predictionId(), valid.id(), valid.actual()));
        }
        return checked;
    }

    /** Stores checked outcomes in the caller's transaction, keeping existing ones; returns how many were new. */
    @Transactional(Transactional.TxType.MANDATORY)
    int store(List<Checked> outcomes, Source source) {
        if (outcomes.isEmpty()) {
            return 0;
        }
        int n = outcomes.size();
        String[] ids = new String[n];
        String[] deployments = new String[n];
        Integer[] versions = new Integer[n];
        Long[] seconds = new Long[n];
        String[] kinds = new String[n];
        String[] predicted = new String[n];
        String[] actual = new String[n];
        for (int i = 0; i < n; i++) {
            Checked outcome = outcomes.get(i);
            ids[i] = outcome.text();
            deployments[i] = outcome.id().deployment();
            versions[i] = outcome.id().version();
            seconds[i] = outcome.id().at().getEpochSecond();
            PredictionId.Answer answer = outcome.id().answer();
            if (answer instanceof PredictionId.Label label) {
                kinds[i] = "LABEL";
                predicted[i] = label.label();
            } else if (answer instanceof PredictionId.Value value) {
                kinds[i] = "VALUE";
                predicted[i] = Double.toString(value.value());
            } else {
                kinds[i] = "UNRECORDED";
            }
            actual[i] = outcome.actual();
        }
        Instant now = Instant.now();
        int[] inserted = new int[1];
        entityManager.flush();
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("insert into prediction_feedback (prediction_id,"
                    + " deployment_name, version, predicted_at, answer_kind, predicted, actual, received_at, source)"
                    + " select u.id, u.deployment, u.version, to_timestamp(u.second), u.kind, u.predicted, u.actual, ?, ?"
                    + " from unnest(?::text[], ?::text[], ?::int[], ?::bigint[], ?::text[], ?::text[], ?::text[])"
                    + " as u(id, deployment, version, second, kind, predicted, actual)"
                    + " on conflict (prediction_id) do nothing")) {
                insert.setObject(1, java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC));
                insert.setString(2, source.name());
                insert.setArray(3, connection.createArrayOf("text", ids));
                insert.setArray(4, connection.createArrayOf("text", deployments));
                insert.setArray(5, connection.createArrayOf("int4", versions));
                insert.setArray(6, connection.createArrayOf("int8", seconds));
                insert.setArray(7, connection.createArrayOf("text", kinds));
                insert.setArray(8, connection.createArrayOf("text", predicted));
                insert.setArray(9, connection.createArrayOf("text", actual));
                inserted[0] = insert.executeUpdate();
            }
        });
        return inserted[0];
    }
}
