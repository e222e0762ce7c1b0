package dev.lodestar.approvals;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.net.URI;
import java.util.List;
import java.util.Locale;
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

import dev.lodestar.approvals.model.PromotionRequestEntity;
import dev.lodestar.approvals.model.PromotionStatus;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Page;
import dev.lodestar.identity.Actor;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.web.FormTokens;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The admin's approval pages: the queue of promotion requests with their evidence, one request with its
 * approvals, and the forms that request, approve, reject and cancel. Every form is checked by {@link FormTokens};
 * the rules (four eyes, one vote each, expiry) are those of {@link Promotions}, whatever the page offers.
 */
@Path("/admin/approvals")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class ApprovalPages {

    static final int PAGE = 50;

    private final Promotions promotions;
    private final CurrentActor actor;
    private final FormTokens forms;

    ApprovalPages(Promotions promotions, CurrentActor actor, FormTokens forms) {
        this.promotions = promotions;
        this.actor = actor;
        this.forms = forms;
    }

    @CheckedTemplate(basePath = "approvals")
    static class Templates {
        static native TemplateInstance queue(Queue page);

        static native TemplateInstance request(RequestDetails page);
    }

    /** A page of requests of one status (all when {@code status} is empty). */
    public record Queue(List<Entry> entries, String status, List<PromotionStatus> statuses, String next, int total) {
    }

    /** A request with its evidence and approvals so far. */
    public record Entry(PromotionRequest request, PromotionEvidence evidence, List<Approval> approvals) {
    }

    /**
     * One request and what the current user may do with it.
     *
     * @param mayDecide whether approve and reject are offered: an approver, not the requester, who has not voted
     * @param mayCancel whether cancel is offered: the requester, while the request is open
     */
    public record RequestDetails(Entry entry, boolean mayDecide, boolean mayCancel, String whyNotDecide) {
    }

    @GET
    public TemplateInstance queue(@QueryParam("status") String status, @QueryParam("after") String after) {
        PromotionStatus wanted = parseStatus(status);
        PromotionRequestConnection page = promotions.page(wanted, Page.of(PAGE, blank(after) ? null : after));
        List<PromotionRequest> requests = page.getEdges().stream().map(PromotionRequestConnection.PromotionRequestEdge::node).toList();
        Map<Long, List<Approval>> approvals = promotions.approvalsOf(requests.stream().map(r -> Long.parseLong(r.id())).toList());
        List<Entry> entries = requests.stream()
                .map(r -> new Entry(r, promotions.evidence(r.evidenceJson()), approvals.getOrDefault(Long.parseLong(r.id()), List.of())))
                .toList();
        return Templates.queue(new Queue(entries, wanted == null ? "" : wanted.name(), List.of(PromotionStatus.values()),
                page.getPageInfo().hasNextPage() ? page.getPageInfo().endCursor() : null, Math.toIntExact(page.total())));
    }

    @GET
    @Path("/{id}")
    public TemplateInstance request(@PathParam("id") String id) {
        PromotionRequestEntity entity = found(id);
        PromotionRequest request = promotions.toApi(List.of(entity)).get(0);
        List<Approval> approvals = promotions.approvalsOf(List.of(entity.id)).getOrDefault(entity.id, List.of());
        Actor me = actor.get();
        boolean open = entity.status == PromotionStatus.OPEN;
        String whyNot = null;
        if (open && me.roles().contains(APPROVER)) {
            if (me.subject().equals(entity.requestedBySubject)) {
                whyNot = "You opened this request, so someone else must approve it.";
            } else if (approvals.stream().anyMatch(a -> a.approver().equals(me.name()))) {
                whyNot = "You have approved this request; it waits for another approver.";
            }
        }
        boolean mayDecide = open && me.roles().contains(APPROVER) && whyNot == null;
        boolean mayCancel = open && me.subject().equals(entity.requestedBySubject);
        return Templates.request(new RequestDetails(new Entry(request, promotions.evidence(entity.evidence), approvals),
                mayDecide, mayCancel, whyNot));
    }

    @POST
    @RolesAllowed(DATA_SCIENTIST)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response requestPromotion(@FormParam(FormTokens.FIELD) String csrf, @FormParam("model") String model,
            @FormParam("version") int version, @FormParam("alias") String alias, @FormParam("reason") String reason) {
        forms.check(csrf);
        return seeRequest(promotions.request(model, version, alias, reason));
    }

    @POST
    @Path("/{id}/approve")
    @RolesAllowed(APPROVER)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response approve(@PathParam("id") String id, @FormParam(FormTokens.FIELD) String csrf, @FormParam("comment") String comment) {
        forms.check(csrf);
        return seeRequest(promotions.approve(requestId(id), blank(comment) ? null : comment));
    }

    @POST
    @Path("/{id}/reject")
    @RolesAllowed(APPROVER)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response reject(@PathParam("id") String id, @FormParam(FormTokens.FIELD) String csrf, @FormParam("reason") String reason) {
        forms.check(csrf);
        return seeRequest(promotions.reject(requestId(id), reason));
    }

    @POST
    @Path("/{id}/cancel")
    @RolesAllowed(DATA_SCIENTIST)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response cancel(@PathParam("id") String id, @FormParam(FormTokens.FIELD) String csrf) {
        forms.check(csrf);
        return seeRequest(promotions.cancel(requestId(id)));
    }

    /** After a form, the request's page (303, so reloading it does not post again). */
    private static Response seeRequest(PromotionRequestEntity request) {
        return Response.seeOther(URI.create("/admin/approvals/" + request.id)).build();
    }

    private PromotionRequestEntity found(String id) {
        try {
            return promotions.get(requestId(id));
        } catch (ApiException e) {
            throw new NotFoundException();
        }
    }

    private static long requestId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new NotFoundException();
        }
    }

    private static PromotionStatus parseStatus(String status) {
        if (status == null) {
            return PromotionStatus.OPEN;
        }
        if (status.isBlank() || "ALL".equalsIgnoreCase(status)) {
            return null;
        }
        try {
            return PromotionStatus.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("status: one of " + List.of(PromotionStatus.values()) + " or ALL");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
