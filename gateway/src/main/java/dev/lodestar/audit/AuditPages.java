package dev.lodestar.audit;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.AUDITOR;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Page;
import dev.lodestar.web.FormTokens;
import dev.lodestar.web.Links;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The compliance officer's pages: the audit trail filtered by time, actor, action and resource, one event with
 * its before/after difference and chain seal, verification of the whole chain, and exports. Read-only for
 * everyone: nothing here changes a recorded event.
 */
@Path("/admin/audit")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ AUDITOR, ADMIN })
public class AuditPages {

    static final int PAGE = 100;

    private final AuditTrail trail;
    private final FormTokens forms;
    private final ObjectMapper json;

    AuditPages(AuditTrail trail, FormTokens forms, ObjectMapper json) {
        this.trail = trail;
        this.forms = forms;
        this.json = json;
    }

    @CheckedTemplate(basePath = "audit")
    static class Templates {
        static native TemplateInstance events(EventList page);

        static native TemplateInstance event(EventDetails page);

        static native TemplateInstance verification(AuditVerification result);
    }

    /**
     * The filter as typed (times in UTC, {@code 2026-01-31T08:00} or with an offset) and the page of events.
     *
     * @param query the filter as a query string, for paging and export links
     */
    public record EventList(Filter filter, List<AuditEvent> events, List<AuditAction> actions, List<ResourceType> types,
            String error, String next, int total, String query, String exportFrom, String exportTo) {
    }

    /** The filter form's fields, as typed. */
    public record Filter(String from, String to, String actor, String action, String resourceType, String resourceId) {
    }

    /** One event and its changes, field by field. */
    public record EventDetails(AuditEvent event, List<Change> changes) {
    }

    /** One field of a resource before and after a change (JSON text; null when absent). */
    public record Change(String field, String before, String after) {

        /** Whether the change touched this field. */
        public boolean changed() {
            return !Objects.equals(before, after);
        }
    }

    @GET
    public TemplateInstance events(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("actor") String actor, @QueryParam("action") String action,
            @QueryParam("resourceType") String resourceType, @QueryParam("resourceId") String resourceId,
            @QueryParam("after") String after) {
        Filter typed = new Filter(text(from), text(to), text(actor), text(action), text(resourceType), text(resourceId));
        String error = null;
        AuditFilter filter;
        AuditEventConnection page;
        try {
            filter = new AuditFilter(nullIfBlank(actor), nullIfBlank(action), nullIfBlank(resourceType), nullIfBlank(resourceId),
                    time("from", from), time("to", to));
            page = trail.page(filter, Page.of(PAGE, nullIfBlank(after)));
        } catch (ApiException e) {
            error = e.getMessage();
            filter = AuditFilter.ALL;
            page = trail.page(filter, Page.of(PAGE, null));
        }
        List<AuditEvent> events = page.getEdges().stream().map(AuditEventConnection.AuditEventEdge::node).toList();
        String query = "from=" + Links.encode(typed.from()) + "&to=" + Links.encode(typed.to()) + "&actor=" + Links.encode(typed.actor())
                + "&action=" + Links.encode(typed.action()) + "&resourceType=" + Links.encode(typed.resourceType())
                + "&resourceId=" + Links.encode(typed.resourceId());
        return Templates.events(new EventList(typed, events, List.of(AuditAction.values()), List.of(ResourceType.values()), error,
                error == null && page.getPageInfo().hasNextPage() ? page.getPageInfo().endCursor() : null,
                Math.toIntExact(page.total()), query,
                filter.from() == null ? "" : filter.from().toString(), filter.to() == null ? "" : filter.to().toString()));
    }

    @GET
    @Path("/events/{sequence}")
    public TemplateInstance event(@PathParam("sequence") String sequence) {
        AuditEvent event;
        try {
            event = trail.get(Long.parseLong(sequence));
        } catch (NumberFormatException | ApiException e) {
            throw new NotFoundException();
        }
        return Templates.event(new EventDetails(event, changes(event.before(), event.after())));
    }

    @POST
    @Path("/verify")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public TemplateInstance verify(@FormParam(FormTokens.FIELD) String csrf) {
        forms.check(csrf);
        return Templates.verification(trail.verify());
    }

    @GET
    @Path("/export")
    public Response export(@QueryParam("format") String format, @QueryParam("from") String from, @QueryParam("to") String to) {
        return AuditExportResource.download(trail, format, from, to);
    }

    /** The fields of before and after, in the order they first appear, each with its value on both sides. */
    List<Change> changes(String before, String after) {
        JsonNode old = read(before);
        JsonNode now = read(after);
        Set<String> fields = new LinkedHashSet<>();
        for (JsonNode node : new JsonNode[] { old, now }) {
            if (node != null && node.isObject()) {
                for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
                    fields.add(names.next());
                }
            }
        }
        List<Change> changes = new ArrayList<>();
        if (fields.isEmpty() && (old != null || now != null)) {
            changes.add(new Change("(value)", shown(old), shown(now)));
        }
        for (String field : fields) {
            changes.add(new Change(field, shown(old == null ? null : old.get(field)), shown(now == null ? null : now.get(field))));
        }
        return changes;
    }

    private JsonNode read(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return json.getNodeFactory().textNode(text);
        }
    }

    private static String shown(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return null;
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }

    /** A time typed in the filter: an ISO instant or offset date-time, or a local date-time read as UTC. */
    private static Instant time(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(value.trim()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw ApiException.invalid(name + ": '" + value + "' is not a time such as 2026-01-31T08:00 (UTC) or 2026-01-31T08:00:00+01:00");
            }
        }
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String nullIfBlank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
