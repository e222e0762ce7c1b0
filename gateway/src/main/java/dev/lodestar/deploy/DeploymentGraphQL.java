package dev.lodestar.deploy;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;

import dev.lodestar.deploy.model.DeploymentEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Page;

/**
 * Deployments over GraphQL. Data scientists and admins change them; every Lodestar role reads them, with their
 * live state on the inference replicas.
 */
@GraphQLApi
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class DeploymentGraphQL {

    private static final int MAX_HISTORY = 1_000;

    private final Deployments deployments;
    private final ServingReplicas replicas;

    DeploymentGraphQL(Deployments deployments, ServingReplicas replicas) {
        this.deployments = deployments;
        this.replicas = replicas;
    }

    @Query
    @Description("Deployments by name.")
    public @NonNull DeploymentConnection deployments(@Name("first") Integer first, @Name("after") String after) {
        return deployments.page(Page.of(first, after));
    }

    @Query
    @Description("One deployment, or null if there is none with this name.")
    public Deployment deployment(@Name("name") @NonNull String name) {
        DeploymentEntity deployment = deployments.find(name);
        return deployment == null ? null : deployments.toApi(List.of(deployment)).get(0);
    }

    @Mutation
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Description("Deploys a model under an endpoint name (a DNS label). Give alias to follow it, or version to pin one;"
            + " with neither, the deployment follows 'champion'. Only READY versions of format TRIBUO are deployable"
            + " (CONFLICT otherwise, naming the version's status).")
    public @NonNull Deployment createDeployment(@Name("name") @NonNull String name, @Name("model") @NonNull String model,
            @Name("alias") String alias, @Name("version") Integer version) {
        return view(deployments.create(name, model, alias, version));
    }

    @Mutation
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Description("Changes what a deployment serves: follow another alias or pin a version, set or clear a canary (a share"
            + " of 1 to 99 percent of requests) and a shadow (a mirrored copy of traffic). Primary, canary and shadow are"
            + " distinct versions; a canary or shadow the primary moves onto is removed.")
    public @NonNull Deployment updateDeployment(@Name("name") @NonNull String name,
            @Name("input") @NonNull UpdateDeploymentInput input) {
        return view(deployments.update(name, input));
    }

    @Mutation
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Description("Returns a deployment to its previous primary version (previousVersion; CONFLICT without one). A deployment"
            + " that followed an alias becomes pinned to that version, since the alias still points at the newer one; it"
            + " follows an alias again once updateDeployment sets one. Rolling back twice returns to where it started.")
    public @NonNull Deployment rollbackDeployment(@Name("name") @NonNull String name) {
        return view(deployments.rollback(name));
    }

    @Mutation
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Description("Deletes a deployment; the inference servers stop serving it. Returns it as it was; its history remains.")
    public @NonNull Deployment deleteDeployment(@Name("name") @NonNull String name) {
        DeploymentEntity deleted = deployments.delete(name);
        return deployments.toApi(List.of(deleted)).get(0);
    }

    @Description("True when some inference replica that reported recently (within lodestar.serving.replica-stale-after)"
            + " serves the desired primary version, READY.")
    public @NonNull List<@NonNull Boolean> ready(@Source List<Deployment> list) {
        Map<String, List<DeploymentReplica>> live = replicas.liveStateOf(list.stream().map(Deployment::name).toList());
        return list.stream().map(d -> ServingReplicas.ready(live.getOrDefault(d.name(), List.of()), d.version())).toList();
    }

    @Description("The inference replicas holding versions of this deployment, as they last reported, stale ones included.")
    public @NonNull List<@NonNull List<@NonNull DeploymentReplica>> replicas(@Source List<Deployment> list) {
        Map<String, List<DeploymentReplica>> live = replicas.liveStateOf(list.stream().map(Deployment::name).toList());
        return list.stream().map(d -> live.getOrDefault(d.name(), List.of())).toList();
    }

    @Description("The deployment's changes, newest first (at most 'last', default 100).")
    public @NonNull List<@NonNull List<@NonNull DeploymentEvent>> history(@Source List<Deployment> list, @Name("last") Integer last) {
        int limit = last == null ? 100 : last;
        if (limit < 0 || limit > MAX_HISTORY) {
            throw ApiException.invalid("last must be between 0 and " + MAX_HISTORY + ", got " + limit);
        }
        Map<String, List<DeploymentEvent>> histories = deployments.historiesOf(list.stream().map(Deployment::name).toList(), limit);
        return list.stream().map(d -> histories.getOrDefault(d.name(), List.of())).toList();
    }

    @Description("How many deployments the whole list holds.")
    public int totalCount(@Source DeploymentConnection connection) {
        return Math.toIntExact(connection.total());
    }

    private Deployment view(DeploymentEntity deployment) {
        return deployments.toApi(List.of(deployment)).get(0);
    }
}
