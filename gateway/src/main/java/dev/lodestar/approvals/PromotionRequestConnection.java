package dev.lodestar.approvals;

import java.util.List;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.graphql.PageInfo;

/** A page of promotion requests, newest first. The total is counted only when a client asks for it. */
@Type("PromotionRequestConnection")
@Description("A page of promotion requests, newest first.")
public final class PromotionRequestConnection {

    private final List<PromotionRequestEdge> edges;
    private final PageInfo pageInfo;
    private final LongSupplier total;

    PromotionRequestConnection(List<PromotionRequestEdge> edges, PageInfo pageInfo, LongSupplier total) {
        this.edges = edges;
        this.pageInfo = pageInfo;
        this.total = total;
    }

    public @NonNull List<@NonNull PromotionRequestEdge> getEdges() {
        return edges;
    }

    public @NonNull PageInfo getPageInfo() {
        return pageInfo;
    }

    long total() {
        return total.getAsLong();
    }

    /** A request and its cursor. */
    @Type("PromotionRequestEdge")
    public record PromotionRequestEdge(@NonNull PromotionRequest node, @NonNull String cursor) {
    }
}
