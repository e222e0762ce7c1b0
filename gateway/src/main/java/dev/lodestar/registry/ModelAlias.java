package dev.lodestar.registry;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** An alias and the version it points at. */
@Type("ModelAlias")
@Description("A named pointer to one version of a model.")
public record ModelAlias(@NonNull String alias, int version, @Description("Moves only through an approved promotion.") boolean protectedAlias) {
}
