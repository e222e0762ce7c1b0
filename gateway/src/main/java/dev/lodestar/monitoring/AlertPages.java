package dev.lodestar.monitoring;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.net.URI;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.lodestar.deploy.Deployments;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Page;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.monitoring.model.MonitorKind;
import dev.lodestar.web.FormTokens;
import dev.lodestar.web.Links;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The admin's alerts page: alerts newest first (of one deployment or all), the monitors of the deployments with
 * forms to add and remove them (data scientists and admins), and, for admins and auditors, the webhook deliveries;
 * admins also register and remove webhooks here (a new secret is shown on the answer page, once). Forms are
 * checked by {@link FormTokens}; the rules are those of {@link Monitors} and {@link Webhooks}.
 */
@Path("/admin/alerts")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class AlertPages {

    static final int PAGE = 100;
    static final int DELIVERIES = 50;

    private final Monitors monitors;
    private final Webhooks webhooks;
    private final Deployments deployments;
    private final CurrentActor actor;
    private final FormTokens forms;

    AlertPages(Monitors monitors, Webhooks webhooks, Deployments deployments, CurrentActor actor, FormTokens forms) {
        this.monitors = monitors;
        this.webhooks = webhooks;
        this.deployments = deployments;
        this.actor = actor;
        this.forms = forms;
    }

    @CheckedTemplate(basePath = "monitoring")
    static class Templates {
        static native TemplateInstance alerts(AlertsPage page);
    }

    /**
     * The alerts page.
     *
     * @param deployment     the deployment shown, or empty for all
     * @param deployments    every deployment's name, for the filter and the monitor form
     * @param alerts         a page of alerts
     * @param next           the cursor of the next page, or null
     * @param total          alerts in the whole list
     * @param monitors       the monitors shown
     * @param kinds          the monitor kinds, for the form
     * @param mayChange      whether monitor forms are offered (data scientists and admins)
     * @param mayWebhooks    whether webhooks are shown and managed (admins)
     * @param mayDeliveries  whether deliveries are shown (admins and auditors)
     * @param webhooks       the webhooks, when shown
     * @param deliveries     the latest deliveries, when shown
     * @param newSecret      the secret of a webhook just registered, shown this once, or null
     */
    public record AlertsPage(String deployment, List<String> deployments, List<Alert> alerts, String next, int total,
            List<Monitor> monitors, List<MonitorKind> kinds, boolean mayChange, boolean mayWebhooks, boolean mayDeliveries,
            List<Webhook> webhooks, List<WebhookDelivery> deliveries, String newSecret) {
    }

    @GET
    public TemplateInstance alerts(@QueryParam("deployment") String deployment, @QueryParam("after") String after) {
        return page(deployment, after, null);
    }

    @POST
    @Path("/monitors")
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createMonitor(@FormParam(FormTokens.FIELD) String csrf, @FormParam("deployment") String deployment,
            @FormParam("kind") MonitorKind kind, @FormParam("feature") String feature, @FormParam("metric") String metric,
            @FormParam("bound") String bound, @FormParam("minRows") String minRows, @FormParam("maxRows") String maxRows) {
        forms.check(csrf);
        MonitorInput input = new MonitorInput(deployment, kind, blank(feature), blank(metric),
                blank(bound) == null ? null : number(bound, "bound"), integer(minRows, "minRows"), integer(maxRows, "maxRows"));
        monitors.create(input);
        return back(deployment);
    }

    @POST
    @Path("/monitors/{id}/delete")
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response deleteMonitor(@PathParam("id") String id, @FormParam(FormTokens.FIELD) String csrf) {
        forms.check(csrf);
        return back(monitors.delete(id).deploymentName);
    }

    @POST
    @Path("/webhooks")
    @RolesAllowed(ADMIN)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public TemplateInstance createWebhook(@FormParam(FormTokens.FIELD) String csrf, @FormParam("url") String url) {
        forms.check(csrf);
        return page(null, null, webhooks.create(url, null).secret());
    }

    @POST
    @Path("/webhooks/{id}/delete")
    @RolesAllowed(ADMIN)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response deleteWebhook(@PathParam("id") String id, @FormParam(FormTokens.FIELD) String csrf) {
        forms.check(csrf);
        webhooks.delete(id);
        return back(null);
    }

    private TemplateInstance page(String deployment, String after, String newSecret) {
        String shown = deployment == null || deployment.isBlank() ? null : deployment;
        AlertConnection page = monitors.page(shown, Page.of(PAGE, after == null || after.isBlank() ? null : after));
        Set<String> roles = actor.get().roles();
        boolean admin = roles.contains(ADMIN);
        boolean deliveries = admin || roles.contains(AUDITOR);
        return Templates.alerts(new AlertsPage(shown == null ? "" : shown,
                deployments.all().stream().map(d -> d.name).toList(),
                page.getEdges().stream().map(AlertConnection.AlertEdge::node).toList(),
                page.getPageInfo().hasNextPage() ? page.getPageInfo().endCursor() : null, Math.toIntExact(page.total()),
                monitors.monitors(shown).stream().map(Monitor::of).toList(), List.of(MonitorKind.values()),
                roles.contains(DATA_SCIENTIST) || admin, admin, deliveries,
                admin ? webhooks.all().stream().map(Webhook::of).toList() : List.of(),
                deliveries ? webhooks.deliveries(null, DELIVERIES) : List.of(), newSecret));
    }

    private static Response back(String deployment) {
        return Response.seeOther(URI.create("/admin/alerts" + (deployment == null ? "" : "?deployment=" + Links.encode(deployment))))
                .build();
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Double number(String value, String what) {
        try {
            return Double.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(what + ": '" + value + "' is not a number");
        }
    }

    private static Integer integer(String value, String what) {
        if (blank(value) == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(what + ": '" + value + "' is not a whole number");
        }
    }
}
