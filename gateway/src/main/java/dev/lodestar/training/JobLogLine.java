package dev.lodestar.training;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** One line of a job's log. */
@Type("JobLogLine")
@Description("One line of a training job's log.")
public record JobLogLine(@Description("Line number, from 1.") int seq, @NonNull Instant at, @NonNull String line) {
}
