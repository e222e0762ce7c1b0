package dev.lodestar.registry;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** One input feature of a model. */
@Type("ModelFeature")
@Description("An input feature: its name and kind of value (NUMBER or TEXT).")
public record ModelFeature(@NonNull String name, @NonNull String type) {
}
