package dev.lodestar.training;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Enum;

/** What a model learns to answer, and which holdout metrics it is measured with. */
@Enum("Task")
@Description("What the model learns: CLASSIFICATION (a TEXT or integer-valued target; metrics accuracy, macro_f1, and"
        + " auc for two classes) or REGRESSION (a NUMBER target; metrics rmse, mae, r2).")
public enum Task {
    CLASSIFICATION(List.of("accuracy", "macro_f1", "auc")),
    REGRESSION(List.of("rmse", "mae", "r2"));

    private final List<String> metrics;

    Task(List<String> metrics) {
        this.metrics = metrics;
    }

    /** The names of the holdout metrics jobs of this task log, the names {@code minMetrics} may use. */
    public List<String> metrics() {
        return metrics;
    }

    /** True for metrics where lower is better ({@code rmse}, {@code mae}): their gate is a maximum. */
    public static boolean lowerIsBetter(String metric) {
        return metric.equals("rmse") || metric.equals("mae");
    }
}
