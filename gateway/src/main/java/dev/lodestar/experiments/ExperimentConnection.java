package dev.lodestar.experiments;

import java.util.List;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.graphql.PageInfo;

/** A page of experiments. The total is counted only when a client asks for it. */
@Type("ExperimentConnection")
@Description("A page of experiments.")
public final class ExperimentConnection {

    private final List<ExperimentEdge> edges;
    private final PageInfo pageInfo;
    private final LongSupplier total;

    ExperimentConnection(List<ExperimentEdge> edges, PageInfo pageInfo, LongSupplier total) {
        this.edges = edges;
        this.pageInfo = pageInfo;
        this.total = total;
    }

    public @NonNull List<@NonNull ExperimentEdge> getEdges() {
        return edges;
    }

    public @NonNull PageInfo getPageInfo() {
        return pageInfo;
    }

    long total() {
        return total.getAsLong();
    }

    /** An experiment and its cursor. */
    @Type("ExperimentEdge")
    public record ExperimentEdge(@NonNull Experiment node, @NonNull String cursor) {
    }
}
