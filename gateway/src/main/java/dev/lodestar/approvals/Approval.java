package dev.lodestar.approvals;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** One approval of a promotion request. */
@Type("Approval")
@Description("One approver's approval of a promotion request.")
public record Approval(@NonNull String approver, String comment, @NonNull Instant at) {
}
