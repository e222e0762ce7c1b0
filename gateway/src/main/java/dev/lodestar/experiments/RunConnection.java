package dev.lodestar.experiments;

import java.util.List;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.graphql.PageInfo;

/** A page of runs. The total is counted only when a client asks for it. */
@Type("RunConnection")
@Description("A page of runs.")
public final class RunConnection {

    private final List<RunEdge> edges;
    private final PageInfo pageInfo;
    private final LongSupplier total;

    RunConnection(List<RunEdge> edges, PageInfo pageInfo, LongSupplier total) {
        this.edges = edges;
        this.pageInfo = pageInfo;
        this.total = total;
    }

    public @NonNull List<@NonNull RunEdge> getEdges() {
        return edges;
    }

    public @NonNull PageInfo getPageInfo() {
        return pageInfo;
    }

    long total() {
        return total.getAsLong();
    }

    /** The runs of this page, in order. */
    List<Run> runs() {
        return edges.stream().map(RunEdge::node).toList();
    }

    /** A run and its cursor. */
    @Type("RunEdge")
    public record RunEdge(@NonNull Run node, @NonNull String cursor) {
    }
}
