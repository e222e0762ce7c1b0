package dev.lodestar.training;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * Times each trainer on the demo dataset and on a wide synthetic table, outside the gateway (encoding, fit and
 * holdout evaluation as a job does them): {@code TrainingBench <churn.csv> [rows] [features]}.
 */
public final class TrainingBench {

    private TrainingBench() {
    }

    public static void main(String[] args) throws Exception {
        FeatureEncoder.Table churn = read(Path.of(args[0]));
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int features = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        FeatureEncoder.Table wide = wide(rows, features);
        System.out.printf(Locale.ROOT, "%-20s %-15s %12s %12s%n", "trainer", "task", "churn ms", rows + "x" + features + " ms");
        for (TrainerKind kind : TrainerKind.values()) {
            for (Task task : Task.values()) {
                if (kind == TrainerKind.LOGISTIC_REGRESSION && task == Task.REGRESSION) {
                    continue;
                }
                String target = task == Task.CLASSIFICATION ? "churned" : "lifetime_value";
                long small = time(churn, target, task, kind);
                long large = time(wide, task == Task.CLASSIFICATION ? "label" : "value", task, kind);
                System.out.printf(Locale.ROOT, "%-20s %-15s %12d %12d%n", kind, task, small, large);
            }
        }
    }

    private static long time(FeatureEncoder.Table table, String target, Task task, TrainerKind kind) {
        Map<String, String> params = TrainerCatalog.check(kind, task, List.of(), 1);
        long started = System.nanoTime();
        if (task == Task.CLASSIFICATION) {
            var data = FeatureEncoder.forClassification(table, target, false, 0.2, 1, "bench");
            Model<Label> model = TrainerCatalog.standardized(TrainerCatalog.classifier(kind, params), params, data.schema(),
                    data.training()).train(data.training());
            Evaluation.classification(model, data.holdout());
        } else {
            var data = FeatureEncoder.forRegression(table, target, false, 0.2, 1, "bench");
            Model<Regressor> model = TrainerCatalog.standardized(TrainerCatalog.regressor(kind, params), params, data.schema(),
                    data.training()).train(data.training());
            Evaluation.regression(model, data.holdout());
        }
        return (System.nanoTime() - started) / 1_000_000;
    }

    static FeatureEncoder.Table read(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<String> names = List.of(lines.get(0).split(","));
        List<Boolean> numeric = names.stream().map(n -> !n.equals("plan") && !n.equals("region")).toList();
        List<Object[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Object[] row = new Object[cells.length];
            for (int i = 0; i < cells.length; i++) {
                row[i] = cells[i].isEmpty() ? null : numeric.get(i) ? (Object) Double.valueOf(cells[i]) : cells[i];
            }
            rows.add(row);
        }
        long[] numbers = new long[rows.size()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = i + 2;
        }
        return new FeatureEncoder.Table(names, numeric, rows, numbers);
    }

    private static FeatureEncoder.Table wide(int rows, int features) {
        Random random = new Random(1);
        List<String> names = new ArrayList<>();
        List<Boolean> numeric = new ArrayList<>();
        for (int f = 0; f < features; f++) {
            names.add("x" + f);
            numeric.add(true);
        }
        names.add("label");
        names.add("value");
        numeric.add(false);
        numeric.add(true);
        List<Object[]> data = new ArrayList<>(rows);
        long[] lines = new long[rows];
        for (int r = 0; r < rows; r++) {
            Object[] row = new Object[features + 2];
            double sum = 0;
            for (int f = 0; f < features; f++) {
                double x = random.nextGaussian();
                row[f] = x;
                sum += (f % 3 - 1) * x;
            }
            row[features] = sum > 0 ? "yes" : "no";
            row[features + 1] = sum + random.nextGaussian() * 0.1;
            data.add(row);
            lines[r] = r + 2;
        }
        return new FeatureEncoder.Table(names, numeric, data, lines);
    }
}
