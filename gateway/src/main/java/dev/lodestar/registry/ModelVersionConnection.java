package dev.lodestar.registry;

import java.util.List;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.graphql.PageInfo;

/** A page of model versions. The total is counted only when a client asks for it. */
@Type("ModelVersionConnection")
@Description("A page of model versions.")
public final class ModelVersionConnection {

    private final List<ModelVersionEdge> edges;
    private final PageInfo pageInfo;
    private final LongSupplier total;

    ModelVersionConnection(List<ModelVersionEdge> edges, PageInfo pageInfo, LongSupplier total) {
        this.edges = edges;
        this.pageInfo = pageInfo;
        this.total = total;
    }

    public @NonNull List<@NonNull ModelVersionEdge> getEdges() {
        return edges;
    }

    public @NonNull PageInfo getPageInfo() {
        return pageInfo;
    }

    long total() {
        return total.getAsLong();
    }

    /** A model version and its cursor. */
    @Type("ModelVersionEdge")
    public record ModelVersionEdge(@NonNull ModelVersion node, @NonNull String cursor) {
    }
}
