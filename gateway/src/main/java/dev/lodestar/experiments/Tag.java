package dev.lodestar.experiments;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** A tag of an experiment or run. */
@Type("Tag")
@Description("A key-value tag; setting a key again replaces the value.")
public record Tag(@NonNull String key, @NonNull String value) {
}
