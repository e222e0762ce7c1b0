package dev.lodestar.monitoring;

import dev.lodestar.drift.DriftReport;
import dev.lodestar.drift.LivePerformance;

/** Live performance metrics of a window, as a drift report carries them. */
final class WindowPerformance {

    private WindowPerformance() {
    }

    /** The window's live value of {@code metric}, or null when no outcomes arrived for it. */
    static Double of(DriftReport report, String metric) {
        LivePerformance performance = report.performance();
        if (performance == null || performance.outcomes() == 0) {
            return null;
        }
        LivePerformance.PerformanceMetric value = performance.metric(metric);
        return value == null ? null : value.live();
    }
}
