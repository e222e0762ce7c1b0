package dev.lodestar.registry;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** What a model answers. */
@Type("ModelOutput")
@Description("What a model answers: LABEL (with its classes) or REGRESSION (with its output dimensions).")
public record ModelOutput(@NonNull String kind, @NonNull List<@NonNull String> classes) {
}
