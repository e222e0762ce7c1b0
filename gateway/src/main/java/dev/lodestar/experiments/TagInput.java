package dev.lodestar.experiments;

import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.NonNull;

/** A tag to set. */
@Input("TagInput")
public record TagInput(@NonNull String key, @NonNull String value) {
}
