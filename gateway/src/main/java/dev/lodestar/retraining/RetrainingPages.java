package dev.lodestar.retraining;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.lodestar.identity.CurrentActor;
import dev.lodestar.retraining.model.RetrainingTrigger;
import dev.lodestar.web.FormTokens;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The admin's retraining page: every model's retraining policy, the latest retrainings with their jobs, versions
 * and promotion requests, and (for data scientists and admins) forms to set or remove a policy, checked by
 * {@link FormTokens}; the rules are those of {@link RetrainingPolicies}.
 */
@Path("/admin/retraining")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class RetrainingPages {

    static final int LAST = 100;

    private final RetrainingPolicies policies;
    private final CurrentActor actor;
    private final FormTokens forms;

    RetrainingPages(RetrainingPolicies policies, CurrentActor actor, FormTokens forms) {
        this.policies = policies;
        this.actor = actor;
        this.forms = forms;
    }

    @CheckedTemplate(basePath = "retraining")
    static class Templates {
        static native TemplateInstance retraining(RetrainingPage page);
    }

    /**
     * The retraining page.
     *
     * @param policies    every policy
     * @param retrainings the latest retrainings, newest first
     * @param triggers    the triggers, for the form
     * @param mayChange   whether the policy forms are offered
     */
    public record RetrainingPage(List<RetrainingPolicy> policies, List<Retraining> retrainings, List<RetrainingTrigger> triggers,
            boolean mayChange) {
    }

    @GET
    public TemplateInstance page() {
        Set<String> roles = actor.get().roles();
        return Templates.retraining(new RetrainingPage(policies.all(), policies.retrainings(null, LAST),
                List.of(RetrainingTrigger.values()), roles.contains(DATA_SCIENTIST) || roles.contains(ADMIN)));
    }

    @POST
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response set(@FormParam(FormTokens.FIELD) String csrf, @FormParam("model") String model,
            @FormParam("trigger") List<RetrainingTrigger> triggers, @FormParam("scheduleEvery") String scheduleEvery,
            @FormParam("alias") String alias) {
        forms.check(csrf);
        List<RetrainingTrigger> chosen = new ArrayList<>(triggers == null ? List.of() : triggers);
        policies.set(model, new RetrainingPolicyInput(chosen,
                chosen.contains(RetrainingTrigger.SCHEDULE) && scheduleEvery != null && !scheduleEvery.isBlank() ? scheduleEvery : null,
                alias == null || alias.isBlank() ? null : alias.strip()));
        return Response.seeOther(URI.create("/admin/retraining")).build();
    }

    @POST
    @Path("/delete")
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@FormParam(FormTokens.FIELD) String csrf, @FormParam("model") String model) {
        forms.check(csrf);
        policies.delete(model);
        return Response.seeOther(URI.create("/admin/retraining")).build();
    }
}
