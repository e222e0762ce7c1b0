package dev.lodestar.lineage;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * A node of the lineage graph.
 *
 * @param id   {@code kind:key}, e.g. {@code model:churn:3}
 * @param kind what precedes the first colon of the id
 * @param name a name for people, resolved per kind (a dataset's name and version, a run's name, ...)
 */
@Type("LineageNode")
@Description("A node of the lineage graph: a dataset version, run, model version, approval, deployment, prediction window,"
        + " alert, or an OpenLineage job, run or dataset.")
public record LineageNode(@Id @NonNull String id, @NonNull String kind, @NonNull String name) {
}
