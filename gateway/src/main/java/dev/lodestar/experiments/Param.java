package dev.lodestar.experiments;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** A run parameter. */
@Type("Param")
@Description("A run parameter; immutable once logged.")
public record Param(@NonNull String key, @NonNull String value) {
}
