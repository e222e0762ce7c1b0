package dev.lodestar.datasets;

import java.util.List;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.graphql.PageInfo;

/** A page of dataset versions. The total is counted only when a client asks for it. */
@Type("DatasetVersionConnection")
@Description("A page of dataset versions.")
public final class DatasetVersionConnection {

    private final List<DatasetVersionEdge> edges;
    private final PageInfo pageInfo;
    private final LongSupplier total;

    DatasetVersionConnection(List<DatasetVersionEdge> edges, PageInfo pageInfo, LongSupplier total) {
        this.edges = edges;
        this.pageInfo = pageInfo;
        this.total = total;
    }

    public @NonNull List<@NonNull DatasetVersionEdge> getEdges() {
        return edges;
    }

    public @NonNull PageInfo getPageInfo() {
        return pageInfo;
    }

    long total() {
        return total.getAsLong();
    }

    /** A dataset version and its cursor. */
    @Type("DatasetVersionEdge")
    public record DatasetVersionEdge(@NonNull DatasetVersion node, @NonNull String cursor) {
    }
}
