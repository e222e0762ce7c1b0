package dev.lodestar.training;

import java.util.List;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.graphql.PageInfo;

/** A page of training jobs, newest first. The total is counted only when a client asks for it. */
@Type("JobConnection")
@Description("A page of training jobs, newest first.")
public final class JobConnection {

    private final List<JobEdge> edges;
    private final PageInfo pageInfo;
    private final LongSupplier total;

    JobConnection(List<JobEdge> edges, PageInfo pageInfo, LongSupplier total) {
        this.edges = edges;
        this.pageInfo = pageInfo;
        this.total = total;
    }

    public @NonNull List<@NonNull JobEdge> getEdges() {
        return edges;
    }

    public @NonNull PageInfo getPageInfo() {
        return pageInfo;
    }

    long total() {
        return total.getAsLong();
    }

    /** A job and its cursor. */
    @Type("JobEdge")
    public record JobEdge(@NonNull Job node, @NonNull String cursor) {
    }
}
