package dev.lodestar.registry;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** One input column of a model. */
@Type("ModelFeature")
@Description("An input column: its name, kind of value (NUMBER or TEXT) and, for TEXT, the categories seen in training.")
public record ModelFeature(@NonNull String name, @NonNull String type, List<@NonNull String> categories) {
}
