package dev.lodestar.registry;

import java.util.List;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.graphql.PageInfo;

/** A page of registered models. The total is counted only when a client asks for it. */
@Type("RegisteredModelConnection")
@Description("A page of registered models.")
public final class RegisteredModelConnection {

    private final List<RegisteredModelEdge> edges;
    private final PageInfo pageInfo;
    private final LongSupplier total;

    RegisteredModelConnection(List<RegisteredModelEdge> edges, PageInfo pageInfo, LongSupplier total) {
        this.edges = edges;
        this.pageInfo = pageInfo;
        this.total = total;
    }

    public @NonNull List<@NonNull RegisteredModelEdge> getEdges() {
        return edges;
    }

    public @NonNull PageInfo getPageInfo() {
        return pageInfo;
    }

    long total() {
        return total.getAsLong();
    }

    /** A registered model and its cursor. */
    @Type("RegisteredModelEdge")
    public record RegisteredModelEdge(@NonNull RegisteredModel node, @NonNull String cursor) {
    }
}
