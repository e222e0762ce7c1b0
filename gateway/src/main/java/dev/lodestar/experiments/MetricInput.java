package dev.lodestar.experiments;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.NonNull;

/** A metric point to log; step defaults to 0 and timestamp to the time of the call. */
@Input("MetricInput")
@Description("A metric point to log. Step defaults to 0, timestamp to now.")
public record MetricInput(@NonNull String key, double value, Integer step, Instant timestamp) {
}
