package dev.lodestar.lineage;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;
import dev.lodestar.web.Links;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The admin's lineage pages, for every reader role: the graph around a node drawn as a layered SVG (each node links
 * to the graph centred on it), a node search, and per deployment the timeline of what it served when.
 */
@Path("/admin/lineage")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class LineagePages {

    static final int DEFAULT_DEPTH = 3;
    static final int SEARCH_RESULTS = 30;

    private final Lineage lineage;
    private final ServingHistory serving;
    LineagePages(Lineage lineage, ServingHistory serving) {
        this.lineage = lineage;
        this.serving = serving;
    }

    @CheckedTemplate(basePath = "lineage")
    static class Templates {
        static native TemplateInstance graph(GraphPage page);

        static native TemplateInstance timeline(TimelinePage page);
    }

    /**
     * The graph page.
     *
     * @param node        the centre, or null before one is chosen
     * @param direction   the direction followed
     * @param depth       the depth followed
     * @param query       the search text, or null
     * @param found       the search's results
     * @param drawing     the graph drawn, or null
     * @param graph       the graph, or null
     * @param deployments deployments with a timeline
     * @param directions  the directions to choose from
     * @param timeline    the timeline page of the centre, when it is a deployment, or null
     * @param error       why no graph is shown, or null
     */
    public record GraphPage(String node, String direction, int depth, String query, List<LineageNode> found, GraphDrawing drawing,
            LineageGraph graph, List<String> deployments, List<Choice> directions, String timeline, String error) {
    }

    /** An option of a select. */
    public record Choice(String value, String label, boolean selected) {
    }

    /**
     * A deployment's timeline.
     *
     * @param deployment the deployment's name
     * @param periods    what it served when, oldest first
     * @param drawing    the timeline drawn
     */
    public record TimelinePage(String deployment, List<ServingPeriod> periods, TimelineDrawing drawing) {
    }

    @GET
    public TemplateInstance graph(@QueryParam("node") String node, @QueryParam("direction") String direction,
            @QueryParam("depth") Integer depth, @QueryParam("q") String query) {
        LineageDirection chosen = direction(direction);
        int levels = depth == null ? DEFAULT_DEPTH : depth;
        List<LineageNode> found = query == null || query.isBlank() ? List.of() : lineage.search(query, SEARCH_RESULTS);
        GraphDrawing drawing = null;
        LineageGraph graph = null;
        String error = null;
        String centre = node == null || node.isBlank() ? null : node.strip();
        if (centre != null) {
            try {
                graph = lineage.graph(centre, chosen, levels);
                drawing = GraphDrawing.of(graph, centre, id -> href(id, chosen, levels));
            } catch (ApiException e) {
                if (e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.INVALID_ARGUMENT) {
                    throw e;
                }
                error = e.getMessage();
            }
        }
        List<String> deployments = serving.deploymentNames(200);
        List<Choice> directions = java.util.Arrays.stream(LineageDirection.values())
                .map(d -> new Choice(d.name(), d.name().toLowerCase(java.util.Locale.ROOT), d == chosen)).toList();
        String timeline = centre != null && LineageEdges.kindOf(centre).equals("deployment")
                ? "/admin/lineage/deployments/" + Links.segment(LineageEdges.keyOf(centre)) : null;
        return Templates.graph(new GraphPage(centre, chosen.name(), levels, query, found, drawing, graph, deployments,
                directions, timeline, error));
    }

    @GET
    @Path("/deployments/{name}")
    public TemplateInstance timeline(@PathParam("name") String name) {
        List<ServingPeriod> periods;
        try {
            periods = serving.periods(name);
        } catch (ApiException e) {
            throw new NotFoundException();
        }
        return Templates.timeline(new TimelinePage(name, periods, TimelineDrawing.of(periods, Instant.now())));
    }

    static String href(String node, LineageDirection direction, int depth) {
        return "/admin/lineage?node=" + Links.encode(node) + "&direction=" + direction.name() + "&depth=" + depth;
    }

    private static LineageDirection direction(String text) {
        if (text == null || text.isBlank()) {
            return LineageDirection.BOTH;
        }
        try {
            return LineageDirection.valueOf(text.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return LineageDirection.BOTH;
        }
    }
}
