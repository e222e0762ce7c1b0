package dev.lodestar.drift;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * One window of a deployment's drift timeline: every replica's rows of that window merged, compared with the
 * reference of the version serving at the window's end.
 *
 * @param start           the window's start (inclusive)
 * @param end             its end (exclusive)
 * @param version         the version compared with
 * @param rows            live rows
 * @param dropped         rows the servers could not profile
 * @param driftShare      the share of features that drifted
 * @param datasetDrift    whether the window drifted as a whole
 * @param driftedFeatures the features that drifted
 * @param performance     live performance of that version's predictions made in the window; null without outcomes
 */
@Type("DriftPoint")
@Description("One window of a drift timeline.")
public record DriftPoint(
        @NonNull Instant start,
        @NonNull Instant end,
        int version,
        int rows,
        long dropped,
        double driftShare,
        boolean datasetDrift,
        @NonNull List<@NonNull String> driftedFeatures,
        LivePerformance performance) {
}
