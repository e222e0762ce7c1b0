package dev.lodestar.lineage;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * The part of the lineage graph around a node: its nodes (the start node first) and the edges between them.
 *
 * @param nodes     the nodes reached, the start node first, then in order of distance
 * @param edges     the edges followed, both ends among {@code nodes}
 * @param truncated whether the node limit cut the traversal short
 */
@Type("LineageGraph")
@Description("Nodes and edges around a node of the lineage graph.")
public record LineageGraph(@NonNull List<@NonNull LineageNode> nodes, @NonNull List<@NonNull LineageEdge> edges,
        @Description("True when the node limit (lodestar.lineage.max-nodes) cut the traversal short.") boolean truncated) {
}
