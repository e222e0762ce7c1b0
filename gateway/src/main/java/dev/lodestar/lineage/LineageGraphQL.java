package dev.lodestar.lineage;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;

import dev.lodestar.registry.ModelVersion;

/** Lineage over GraphQL, for every reader role: the graph around a node, what served when, and prediction traces. */
@GraphQLApi
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class LineageGraphQL {

    private final Lineage lineage;
    private final ServingHistory serving;

    LineageGraphQL(Lineage lineage, ServingHistory serving) {
        this.lineage = lineage;
        this.serving = serving;
    }

    @Query
    @Description("The lineage graph around a node (an id kind:key, e.g. dataset:<id>, run:<id>, model:<name>:<version>,"
            + " approval:<request id>, deployment:<name>, job:<namespace>:<name>), following edges UPSTREAM, DOWNSTREAM or"
            + " BOTH up to depth steps (0 to lodestar.lineage.max-depth, default 20; at most lodestar.lineage.max-nodes nodes,"
            + " default 500). NOT_FOUND for a node Lodestar does not know.")
    public @NonNull LineageGraph lineage(@Name("nodeId") @Id @NonNull String nodeId,
            @Name("direction") @NonNull LineageDirection direction, @Name("depth") int depth) {
        return lineage.graph(nodeId, direction, depth);
    }

    @Query
    @Description("The model version a deployment served as its primary at a moment; null before it was created and after it"
            + " was deleted. NOT_FOUND when no deployment of that name ever existed.")
    public ModelVersion servingAt(@Name("deployment") @NonNull String deployment, @Name("at") @NonNull Instant at) {
        return serving.servingAt(deployment, at);
    }

    @Query
    @Description("What a deployment served when, oldest first: one period per change, with the approval each served under.")
    public @NonNull List<@NonNull ServingPeriod> servingHistory(@Name("deployment") @NonNull String deployment) {
        return serving.periods(deployment);
    }

    @Query
    @Description("Where a prediction came from, from its id alone: deployment, version, run, training data and approval."
            + " INVALID_ARGUMENT for text that is not a prediction id.")
    public @NonNull PredictionTrace prediction(@Name("id") @Id @NonNull String id) {
        return serving.trace(id);
    }
}
