package dev.lodestar.datasets;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.lodestar.datasets.model.DatasetVersionEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Page;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The admin's dataset pages: the versions of every dataset, and one version with its columns, each with its
 * profile: counts, spread, quantiles and a histogram for numbers, top values for text. Read only; datasets are
 * registered over {@code POST /api/datasets}.
 */
@Path("/admin/datasets")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class DatasetPages {

    static final int PAGE = 50;

    private final DatasetService datasets;

    DatasetPages(DatasetService datasets) {
        this.datasets = datasets;
    }

    @CheckedTemplate(basePath = "datasets")
    static class Templates {
        static native TemplateInstance datasets(DatasetList page);

        static native TemplateInstance dataset(DatasetDetails page);
    }

    /** A page of the version list, optionally of one name. */
    public record DatasetList(List<DatasetVersion> versions, String name, String next, int total) {
    }

    /** One version with its columns. */
    public record DatasetDetails(DatasetVersion version, List<ColumnView> columns) {
    }

    /** A column's profile with its histogram (null for text). */
    public record ColumnView(ColumnProfile profile, Histogram histogram) {
    }

    @GET
    public TemplateInstance datasets(@QueryParam("name") String name, @QueryParam("after") String after) {
        String filter = name == null || name.isBlank() ? null : name.trim();
        DatasetVersionConnection page = datasets.page(filter, Page.of(PAGE, after == null || after.isBlank() ? null : after));
        return Templates.datasets(new DatasetList(page.getEdges().stream().map(DatasetVersionConnection.DatasetVersionEdge::node).toList(),
                filter == null ? "" : filter, page.getPageInfo().hasNextPage() ? page.getPageInfo().endCursor() : null,
                Math.toIntExact(page.total())));
    }

    @GET
    @Path("/{id}")
    public TemplateInstance dataset(@PathParam("id") String id) {
        DatasetVersionEntity found;
        try {
            found = datasets.find(id);
        } catch (ApiException e) {
            throw new NotFoundException();
        }
        if (found == null) {
            throw new NotFoundException();
        }
        DatasetVersion version = datasets.toApi(found);
        return Templates.dataset(new DatasetDetails(version,
                version.profile().stream().map(p -> new ColumnView(p, Histogram.of(p))).toList()));
    }
}
