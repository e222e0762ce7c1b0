package dev.lodestar.lineage;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import java.time.Instant;

/**
 * An edge of the lineage graph: {@code to} was made from, or follows from, {@code from}.
 *
 * @param from the source node's id
 * @param to   the target node's id
 * @param kind TRAINED_ON, PRODUCED, APPROVED, PROMOTED, SERVES, SCORED, SERVED, RAISED, TRIGGERED, RUN_OF, INPUT_TO or OUTPUT_OF
 * @param at   when it was first recorded
 */
@Type("LineageEdge")
@Description("An edge of the lineage graph, from a source to what came of it.")
public record LineageEdge(@Id @NonNull @Name("from") String from, @Id @NonNull @Name("to") String to, @NonNull String kind,
        @Ignore Instant at) {
}
