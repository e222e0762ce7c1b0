package dev.lodestar.deploy;

import java.util.List;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.graphql.PageInfo;

/** A page of deployments, by name. The total is counted only when a client asks for it. */
@Type("DeploymentConnection")
@Description("A page of deployments, by name.")
public final class DeploymentConnection {

    private final List<DeploymentEdge> edges;
    private final PageInfo pageInfo;
    private final LongSupplier total;

    DeploymentConnection(List<DeploymentEdge> edges, PageInfo pageInfo, LongSupplier total) {
        this.edges = edges;
        this.pageInfo = pageInfo;
        this.total = total;
    }

    public @NonNull List<@NonNull DeploymentEdge> getEdges() {
        return edges;
    }

    public @NonNull PageInfo getPageInfo() {
        return pageInfo;
    }

    long total() {
        return total.getAsLong();
    }

    /** A deployment and its cursor. */
    @Type("DeploymentEdge")
    public record DeploymentEdge(@NonNull Deployment node, @NonNull String cursor) {
    }
}
