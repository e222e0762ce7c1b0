package dev.lodestar.monitoring;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.NonNull;

import dev.lodestar.monitoring.model.MonitorKind;

/** A monitor as a client asks for it; checked by {@link Monitors#create}. */
@Input("MonitorInput")
@Description("A rule on a deployment, judged on every closed window of its traffic. DATASET_DRIFT needs nothing more;"
        + " FEATURE_DRIFT a feature; PERFORMANCE_BELOW a metric (accuracy, macro_f1, rmse, mae) and its bound (fires below"
        + " it, or above it for rmse and mae); VOLUME minRows and/or maxRows per window.")
public record MonitorInput(
        @NonNull String deployment,
        @NonNull MonitorKind kind,
        String feature,
        String metric,
        Double bound,
        Integer minRows,
        Integer maxRows) {
}
