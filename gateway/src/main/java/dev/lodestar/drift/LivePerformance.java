package dev.lodestar.drift;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * How a version did on predictions whose actual outcome was reported, next to its evaluation at training time.
 *
 * @param task     {@code CLASSIFICATION} (answers were labels) or {@code REGRESSION} (numbers)
 * @param outcomes outcomes counted
 * @param metrics  {@code accuracy} and {@code macro_f1}, or {@code rmse} and {@code mae}
 */
@Type("LivePerformance")
@Description("Live performance from reported outcomes, next to the holdout metrics at training time.")
public record LivePerformance(@NonNull String task, int outcomes, @NonNull List<@NonNull PerformanceMetric> metrics) {

    /**
     * One metric.
     *
     * @param name     {@code accuracy}, {@code macro_f1}, {@code rmse} or {@code mae}
     * @param live     its value over the outcomes
     * @param training the version's run metric of the same name (holdout evaluation); null if the run has none
     */
    @Type("PerformanceMetric")
    @Description("A metric live and at training time.")
    public record PerformanceMetric(@NonNull String name, double live, Double training) {
    }

    /** The metric of this name, or null. */
    public PerformanceMetric metric(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }
}
