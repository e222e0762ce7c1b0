package dev.lodestar.experiments;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** One point of a metric series. */
@Type("Metric")
@Description("One point of a metric: its value at a step and time.")
public record Metric(@NonNull String key, double value, int step, @NonNull Instant timestamp) {
}
