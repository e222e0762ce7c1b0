package dev.lodestar.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A checked training request, as a job stores it (JSON in {@code training_job.spec}).
 *
 * @param experimentId    the experiment the run is created in
 * @param datasetId       the dataset version trained on
 * @param target          the column predicted
 * @param task            classification or regression
 * @param trainer         the trainer kind
 * @param params          every param of the trainer, defaults filled in, by name
 * @param holdoutFraction share of rows held out for evaluation
 * @param seed            seed of the split
 * @param registerAs      the registered model the result becomes a version of
 * @param minMetrics      evaluation gates: metric to threshold (a maximum for {@code rmse} and {@code mae})
 */
record TrainingSpec(long experimentId, UUID datasetId, String target, Task task, TrainerKind trainer,
        Map<String, String> params, double holdoutFraction, long seed, String registerAs, Map<String, Double> minMetrics) {

    /** True when missing values fail the job instead of being imputed. */
    boolean refuseMissing() {
        return TrainerCatalog.REFUSE.equals(params.get(TrainerCatalog.MISSING));
    }

    /**
     * The gates {@code metrics} do not pass, each as a sentence naming the metric, its value and the threshold;
     * empty when the model passes them all.
     */
    List<String> unmetGates(Map<String, Double> metrics) {
        List<String> unmet = new ArrayList<>();
        minMetrics.forEach((name, threshold) -> {
            Double value = metrics.get(name);
            if (value == null) {
                unmet.add(name + " was not measured (auc needs a target with exactly two classes in the holdout), gate "
                        + format(threshold));
            } else if (Task.lowerIsBetter(name) ? value > threshold : value < threshold) {
                unmet.add(name + " " + format(value) + (Task.lowerIsBetter(name) ? " is above the maximum " : " is below the minimum ")
                        + format(threshold));
            }
        });
        return unmet;
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
