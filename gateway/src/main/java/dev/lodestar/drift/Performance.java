package dev.lodestar.drift;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Live performance metrics from aggregated outcomes, defined as the training evaluation defines them, so the two
 * compare: accuracy; macro F1, the mean over the classes seen in the truths or the answers of
 * {@code 2 tp / (2 tp + fp + fn)}; RMSE and MAE.
 */
final class Performance {

    private Performance() {
    }

    /** Classification metrics from confusion counts; null without outcomes. */
    static LivePerformance classification(List<DriftStore.Confusion> counts, Map<String, Double> training) {
        long total = 0;
        long correct = 0;
        Map<String, long[]> perClass = new TreeMap<>(); // true positives, false positives, false negatives
        for (DriftStore.Confusion count : counts) {
            total += count.count();
            if (count.predicted().equals(count.actual())) {
                correct += count.count();
                perClass.computeIfAbsent(count.actual(), k -> new long[3])[0] += count.count();
            } else {
                perClass.computeIfAbsent(count.predicted(), k -> new long[3])[1] += count.count();
                perClass.computeIfAbsent(count.actual(), k -> new long[3])[2] += count.count();
            }
        }
        if (total == 0) {
            return null;
        }
        double f1 = 0;
        for (long[] c : perClass.values()) {
            f1 += 2.0 * c[0] / Math.max(1, 2 * c[0] + c[1] + c[2]);
        }
        List<LivePerformance.PerformanceMetric> metrics = new ArrayList<>();
        metrics.add(new LivePerformance.PerformanceMetric("accuracy", (double) correct / total, training.get("accuracy")));
        metrics.add(new LivePerformance.PerformanceMetric("macro_f1", f1 / perClass.size(), training.get("macro_f1")));
        return new LivePerformance("CLASSIFICATION", clamp(total), metrics);
    }

    /** Regression metrics from summed errors; null without outcomes. */
    static LivePerformance regression(List<DriftStore.Errors> sums, Map<String, Double> training) {
        long count = 0;
        double squared = 0;
        double absolute = 0;
        for (DriftStore.Errors sum : sums) {
            count += sum.count();
            squared += sum.squared();
            absolute += sum.absolute();
        }
        if (count == 0) {
            return null;
        }
        return new LivePerformance("REGRESSION", clamp(count), List.of(
                new LivePerformance.PerformanceMetric("rmse", Math.sqrt(squared / count), training.get("rmse")),
                new LivePerformance.PerformanceMetric("mae", absolute / count, training.get("mae"))));
    }

    static int clamp(long value) {
        return (int) Math.min(Integer.MAX_VALUE, value);
    }
}
