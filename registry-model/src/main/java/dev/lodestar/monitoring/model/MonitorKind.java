package dev.lodestar.monitoring.model;

/** What a monitor watches on each window of a deployment's traffic. */
public enum MonitorKind {
    /** The window's dataset drift (at least the drift share of the features drifted). */
    DATASET_DRIFT,
    /** Drift of one named feature. */
    FEATURE_DRIFT,
    /** A live performance metric worse than a bound (below it; above it for the error metrics rmse and mae). */
    PERFORMANCE_BELOW,
    /** Rows per window outside a minimum and/or maximum. */
    VOLUME
}
