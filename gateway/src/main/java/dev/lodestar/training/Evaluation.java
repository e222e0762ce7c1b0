package dev.lodestar.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * Holdout metrics under stable names. Classification: {@code accuracy}; {@code macro_f1}, the mean F1 over the
 * classes seen in the holdout's truths or predictions; and for exactly two classes {@code auc}, the ROC AUC of
 * the score of the second class in sorted order (ties count half), from the model's scores whether they are
 * probabilities or margins. Regression: {@code rmse}, {@code mae} and {@code r2} (1 - residual / total sum of
 * squares; 0 when the holdout's target is constant).
 */
final class Evaluation {

    private Evaluation() {
    }

    static Map<String, Double> classification(Model<Label> model, Dataset<Label> holdout) {
        List<Prediction<Label>> predictions = model.predict(holdout);
        TreeSet<String> classes = new TreeSet<>();
        model.getOutputIDInfo().getDomain().forEach(l -> classes.add(l.getLabel()));
        int correct = 0;
        Map<String, int[]> counts = new LinkedHashMap<>(); // true positives, false positives, false negatives
        List<String> truths = new ArrayList<>(predictions.size());
        for (int i = 0; i < predictions.size(); i++) {
            String truth = holdout.getExample(i).getOutput().getLabel();
            String predicted = predictions.get(i).getOutput().getLabel();
            truths.add(truth);
            if (truth.equals(predicted)) {
                correct++;
                counts.computeIfAbsent(truth, k -> new int[3])[0]++;
            } else {
                counts.computeIfAbsent(predicted, k -> new int[3])[1]++;
                counts.computeIfAbsent(truth, k -> new int[3])[2]++;
            }
        }
        double f1 = 0;
        for (int[] c : counts.values()) {
            f1 += 2.0 * c[0] / Math.max(1, 2 * c[0] + c[1] + c[2]);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", (double) correct / predictions.size());
        metrics.put("macro_f1", counts.isEmpty() ? 0 : f1 / counts.size());
        if (classes.size() == 2) {
            String positive = classes.last();
            double[] scores = new double[predictions.size()];
            boolean[] positives = new boolean[predictions.size()];
            for (int i = 0; i < predictions.size(); i++) {
                Label score = predictions.get(i).getOutputScores().get(positive);
                scores[i] = score == null ? 0 : score.getScore();
                positives[i] = truths.get(i).equals(positive);
            }
            Double auc = auc(scores, positives);
            if (auc != null) {
                metrics.put("auc", auc);
            }
        }
        return metrics;
    }

    static Map<String, Double> regression(Model<Regressor> model, Dataset<Regressor> holdout) {
        List<Prediction<Regressor>> predictions = model.predict(holdout);
        int n = predictions.size();
        double mean = 0;
        for (Example<Regressor> example : holdout) {
            mean += example.getOutput().getValues()[0];
        }
        mean /= n;
        double squared = 0;
        double absolute = 0;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double truth = holdout.getExample(i).getOutput().getValues()[0];
            double error = predictions.get(i).getOutput().getValues()[0] - truth;
            squared += error * error;
            absolute += Math.abs(error);
            total += (truth - mean) * (truth - mean);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rmse", Math.sqrt(squared / n));
        metrics.put("mae", absolute / n);
        metrics.put("r2", total == 0 ? 0 : 1 - squared / total);
        return metrics;
    }

    /** Mann-Whitney AUC; null when the holdout has only one class. */
    static Double auc(double[] scores, boolean[] positives) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSum = 0;
        long positiveCount = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (positives[order[k]]) {
                    rankSum += rank;
                    positiveCount++;
                }
            }
            i = j + 1;
        }
        long negativeCount = n - positiveCount;
        if (positiveCount == 0 || negativeCount == 0) {
            return null;
        }
        return (rankSum - positiveCount * (positiveCount + 1) / 2.0) / (positiveCount * negativeCount);
    }
}
