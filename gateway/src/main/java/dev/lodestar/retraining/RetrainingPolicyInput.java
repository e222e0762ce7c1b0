package dev.lodestar.retraining;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.NonNull;

import dev.lodestar.retraining.model.RetrainingTrigger;

/** A retraining policy as a client sets it; checked by {@link RetrainingPolicies#set}. */
@Input("RetrainingPolicyInput")
@Description("What starts a retraining of a model, and the alias retrained and proposed. SCHEDULE needs scheduleEvery.")
public record RetrainingPolicyInput(
        @NonNull List<@NonNull RetrainingTrigger> triggers,
        @Description("For SCHEDULE: an ISO-8601 duration of at least a minute, e.g. P1D or PT6H.") String scheduleEvery,
        @Description("The alias whose version is retrained and to which the new version is proposed; default champion.") String alias) {
}
