package dev.lodestar.deploy;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.lodestar.deploy.model.DeploymentEntity;
import dev.lodestar.graphql.Page;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.web.FormTokens;
import dev.lodestar.web.Links;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The admin's deployment pages: the list with readiness, and one deployment with its desired versions, the live
 * state each inference replica reports, its history, and a rollback form for the roles that may change
 * deployments (checked by {@link FormTokens}; the rules are those of {@link Deployments}).
 */
@Path("/admin/deployments")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class DeploymentPages {

    static final int PAGE = 100;
    static final int HISTORY = 200;

    private final Deployments deployments;
    private final ServingReplicas replicas;
    private final CurrentActor actor;
    private final FormTokens forms;

    DeploymentPages(Deployments deployments, ServingReplicas replicas, CurrentActor actor, FormTokens forms) {
        this.deployments = deployments;
        this.replicas = replicas;
        this.actor = actor;
        this.forms = forms;
    }

    @CheckedTemplate(basePath = "deploy")
    static class Templates {
        static native TemplateInstance deployments(DeploymentList page);

        static native TemplateInstance deployment(DeploymentDetails page);
    }

    /** A page of the deployment list. */
    public record DeploymentList(List<Row> rows, String next, int total) {
    }

    /** A deployment and whether a fresh replica serves its primary version. */
    public record Row(Deployment deployment, boolean ready) {
    }

    /**
     * One deployment with its live state and history.
     *
     * @param mayChange whether the rollback form is offered: a data scientist or admin, with a version to go back to
     */
    public record DeploymentDetails(Deployment deployment, boolean ready, List<DeploymentReplica> replicas,
            List<DeploymentEvent> history, boolean mayChange) {
    }

    @GET
    public TemplateInstance list(@QueryParam("after") String after) {
        DeploymentConnection page = deployments.page(Page.of(PAGE, after == null || after.isBlank() ? null : after));
        List<Deployment> shown = page.getEdges().stream().map(DeploymentConnection.DeploymentEdge::node).toList();
        Map<String, List<DeploymentReplica>> live = replicas.liveStateOf(shown.stream().map(Deployment::name).toList());
        List<Row> rows = shown.stream().map(d -> new Row(d, ServingReplicas.ready(live.getOrDefault(d.name(), List.of()), d.version())))
                .toList();
        return Templates.deployments(new DeploymentList(rows, page.getPageInfo().hasNextPage() ? page.getPageInfo().endCursor() : null,
                Math.toIntExact(page.total())));
    }

    @GET
    @Path("/{name}")
    public TemplateInstance deployment(@PathParam("name") String name) {
        DeploymentEntity entity = deployments.find(name);
        if (entity == null) {
            throw new NotFoundException();
        }
        Deployment deployment = deployments.toApi(List.of(entity)).get(0);
        List<DeploymentReplica> live = replicas.liveStateOf(List.of(name)).getOrDefault(name, List.of());
        var roles = actor.get().roles();
        boolean mayChange = (roles.contains(DATA_SCIENTIST) || roles.contains(ADMIN)) && entity.previousVersion != null;
        return Templates.deployment(new DeploymentDetails(deployment, ServingReplicas.ready(live, deployment.version()), live,
                deployments.historiesOf(List.of(name), HISTORY).getOrDefault(name, List.of()), mayChange));
    }

    @POST
    @Path("/{name}/rollback")
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response rollback(@PathParam("name") String name, @FormParam(FormTokens.FIELD) String csrf) {
        forms.check(csrf);
        DeploymentEntity deployment = deployments.rollback(name);
        return Response.seeOther(URI.create("/admin/deployments/" + Links.segment(deployment.name))).build();
    }
}
