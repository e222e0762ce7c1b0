package dev.lodestar.lineage;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.registry.ModelVersion;

/**
 * Where one prediction came from, read from its id and the lineage graph: nothing is stored per prediction.
 *
 * @param id           the prediction id
 * @param deployment   the deployment that answered
 * @param model        the deployment's model
 * @param version      the version that answered
 * @param at           when, to the second
 * @param answer       what it answered (a label, or a number as text), or null when the id does not record it
 * @param role         PRIMARY, CANARY or SHADOW: the version's role in the deployment at that time, or null when the
 *                     deployment's history does not show the version served then
 * @param modelVersion the model version
 * @param runId        the run that produced it, or null
 * @param datasets     the data it was trained on (TRAINED_ON sources of its run, or of the version itself)
 * @param approvalId   the promotion request it served under, or null
 */
@Type("PredictionTrace")
@Description("Where a prediction came from: deployment, version, the run and data behind it, and the approval it served under.")
public record PredictionTrace(@Id @NonNull String id, @NonNull String deployment, @NonNull String model, int version,
        @NonNull Instant at, String answer, String role, @NonNull ModelVersion modelVersion, @Id String runId,
        @NonNull List<@NonNull LineageNode> datasets, @Id String approvalId) {
}
