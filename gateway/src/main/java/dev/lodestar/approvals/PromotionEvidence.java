package dev.lodestar.approvals;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.experiments.Metric;
import dev.lodestar.registry.ModelCard;

/**
 * What approvers decide on, captured when the request was made: the version's metrics (from the run that
 * produced it), its model card, its artifact, and (once drift monitoring exists) its latest drift report.
 */
@Type("PromotionEvidence")
@Description("The evidence captured with a promotion request.")
public record PromotionEvidence(
        @NonNull List<@NonNull Metric> metrics,
        @NonNull ModelCard card,
        @NonNull String artifactSha256,
        String format,
        String runId,
        @Description("The latest drift report, as JSON; null until drift monitoring reports on this model.") String drift) {
}
