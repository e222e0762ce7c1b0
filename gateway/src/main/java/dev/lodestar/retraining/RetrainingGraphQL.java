package dev.lodestar.retraining;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;

import dev.lodestar.retraining.model.RetrainingPolicyEntity;

/** Retraining policies and retrainings over GraphQL: every Lodestar role reads them; data scientists and admins set policies. */
@GraphQLApi
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class RetrainingGraphQL {

    private static final int DEFAULT_LAST = 100;

    private final RetrainingPolicies policies;

    RetrainingGraphQL(RetrainingPolicies policies) {
        this.policies = policies;
    }

    @Query
    @Description("The retraining policy of a model, or null if it has none (NOT_FOUND for an unknown model).")
    public RetrainingPolicy retrainingPolicy(@Name("model") @NonNull String model) {
        RetrainingPolicyEntity policy = policies.find(model);
        return policy == null ? null : RetrainingPolicy.of(policy, model);
    }

    @Query
    @Description("The latest retrainings, newest first (at most 'last', default 100), of one model or all.")
    public @NonNull List<@NonNull Retraining> retrainings(@Name("model") String model, @Name("last") Integer last) {
        return policies.retrainings(model, last == null ? DEFAULT_LAST : last);
    }

    @Mutation("setRetrainingPolicy")
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Description("Sets a model's retraining policy: ON_ALERT (an alert on one of its deployments), SCHEDULE (every"
            + " scheduleEvery) and/or NEW_DATASET_VERSION (a newer version of the dataset the alias's version was trained"
            + " on). A retraining trains the spec of the job behind the alias's version on the newest dataset version and,"
            + " once the new version is READY, opens a promotion request to the alias requested by the system, with the"
            + " alert's drift report as evidence. At most one retraining per model is open; alerts meanwhile are SKIPPED.")
    public @NonNull RetrainingPolicy setRetrainingPolicy(@Name("model") @NonNull String model,
            @Name("input") @NonNull RetrainingPolicyInput input) {
        return RetrainingPolicy.of(policies.set(model, input), model);
    }

    @Mutation
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Description("Removes a model's retraining policy (NOT_FOUND without one); an open retraining runs to its end.")
    public @NonNull RetrainingPolicy deleteRetrainingPolicy(@Name("model") @NonNull String model) {
        return RetrainingPolicy.of(policies.delete(model), model);
    }
}
