package dev.lodestar.audit;

import java.util.List;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.graphql.PageInfo;

/** A page of audit events, newest first. The total is counted only when a client asks for it. */
@Type("AuditEventConnection")
@Description("A page of audit events, newest first.")
public final class AuditEventConnection {

    private final List<AuditEventEdge> edges;
    private final PageInfo pageInfo;
    private final LongSupplier total;

    AuditEventConnection(List<AuditEventEdge> edges, PageInfo pageInfo, LongSupplier total) {
        this.edges = edges;
        this.pageInfo = pageInfo;
        this.total = total;
    }

    public @NonNull List<@NonNull AuditEventEdge> getEdges() {
        return edges;
    }

    public @NonNull PageInfo getPageInfo() {
        return pageInfo;
    }

    long total() {
        return total.getAsLong();
    }

    /** An event and its cursor. */
    @Type("AuditEventEdge")
    public record AuditEventEdge(@NonNull AuditEvent node, @NonNull String cursor) {
    }
}
