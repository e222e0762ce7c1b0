package dev.lodestar.monitoring;

import java.util.List;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.graphql.PageInfo;

/** A page of alerts, newest first. The total is counted only when a client asks for it. */
@Type("AlertConnection")
@Description("A page of alerts, newest first.")
public final class AlertConnection {

    private final List<AlertEdge> edges;
    private final PageInfo pageInfo;
    private final LongSupplier total;

    AlertConnection(List<AlertEdge> edges, PageInfo pageInfo, LongSupplier total) {
        this.edges = edges;
        this.pageInfo = pageInfo;
        this.total = total;
    }

    public @NonNull List<@NonNull AlertEdge> getEdges() {
        return edges;
    }

    public @NonNull PageInfo getPageInfo() {
        return pageInfo;
    }

    long total() {
        return total.getAsLong();
    }

    /** An alert and its cursor. */
    @Type("AlertEdge")
    public record AlertEdge(@NonNull Alert node, @NonNull String cursor) {
    }
}
