package dev.lodestar.experiments;

import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.NonNull;

/** A param to log. */
@Input("ParamInput")
public record ParamInput(@NonNull String key, @NonNull String value) {
}
