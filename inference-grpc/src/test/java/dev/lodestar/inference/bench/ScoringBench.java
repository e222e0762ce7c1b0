package dev.lodestar.inference.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import dev.lodestar.inference.scoring.CompiledModel;
import dev.lodestar.inference.scoring.RowReader;
import dev.lodestar.inference.scoring.Score;
import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.tribuo.InputSchema;

/**
 * In-process scoring latency, single row, one thread: Tribuo's own {@code predict} (the floor the issue names) and
 * Lodestar's compiled models, for a logistic regression and an XGBoost classifier over 20 numeric features. Each
 * figure is the median and 99th percentile of individually timed calls, after a warm-up.
 */
public final class ScoringBench {

    private static final int FEATURES = 20;
    private static final int ROWS = 1024;

    /** One measured path: median and 99th percentile of a call, in microseconds. */
    public record Figure(String name, double p50Us, double p99Us) {
    }

    private ScoringBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param iterations timed calls per fast path (Tribuo's XGBoost path runs a tenth of them)
     * @return the figures, keyed {@code inprocess} (Tribuo logistic regression), {@code compiled_logistic},
     *         {@code compiled_logistic_with_reader}, {@code tribuo_xgboost}, {@code xgboost_inprocess} (compiled)
     */
    public static Map<String, Figure> run(int iterations) {
        String[] names = new String[FEATURES];
        List<InputSchema.Column> columns = new ArrayList<>();
        for (int i = 0; i < FEATURES; i++) {
            names[i] = "f" + i;
            columns.add(InputSchema.Column.number(names[i], null));
        }
        InputSchema schema = new InputSchema(columns);
        List<Object[]> rows = rows(ROWS, 3);
        Model<Label> logistic = train(new LogisticRegressionTrainer(), schema, names);
        Model<Label> xgboost = train(new XGBoostClassificationTrainer(50, 1, true), schema, names);
        CompiledModel compiledLogistic = CompiledModel.compile(logistic);
        CompiledModel compiledXGBoost = CompiledModel.compile(xgboost);
        RowReader reader = compiledLogistic.rowReader();
        List<Map<String, FeatureValue>> named = new ArrayList<>();
        for (Object[] row : rows) {
            Map<String, FeatureValue> features = new HashMap<>();
            for (int i = 0; i < FEATURES; i++) {
                features.put(names[i], FeatureValue.newBuilder().setNumber((Double) row[i]).build());
            }
            named.add(features);
        }

        Map<String, Figure> figures = new LinkedHashMap<>();
        figures.put("inprocess", measure("Tribuo predict, logistic regression", iterations,
                i -> tribuo(logistic, names, rows.get(i % ROWS))));
        figures.put("compiled_logistic", measure("CompiledModel.score, logistic regression", iterations,
                i -> score(compiledLogistic.score(rows.get(i % ROWS)))));
        figures.put("compiled_logistic_with_reader", measure("RowReader.read + CompiledModel.score, logistic", iterations,
                i -> score(compiledLogistic.score(reader.read(named.get(i % ROWS))))));
        figures.put("tribuo_xgboost", measure("Tribuo predict, XGBoost (50 trees)", Math.max(1000, iterations / 10),
                i -> tribuo(xgboost, names, rows.get(i % ROWS))));
        figures.put("xgboost_inprocess", measure("CompiledModel.score, XGBoost (" + compiledXGBoost.method() + ")", iterations,
                i -> score(compiledXGBoost.score(rows.get(i % ROWS)))));
        return figures;
    }

    /** Prints the table. Argument: timed calls per fast path (default 200000). */
    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Map<String, Figure> figures = run(iterations);
        System.out.printf("%-55s %10s %10s%n", "single row, in-process", "p50 us", "p99 us");
        for (Figure figure : figures.values()) {
            System.out.printf("%-55s %10.2f %10.2f%n", figure.name(), figure.p50Us(), figure.p99Us());
        }
    }

    private static double sink;

    private static Figure measure(String name, int iterations, ToDoubleFunction<Integer> call) {
        double blackhole = 0;
        for (int i = 0; i < Math.max(20_000, iterations / 2); i++) {
            blackhole += call.applyAsDouble(i);
        }
        long[] nanos = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            blackhole += call.applyAsDouble(i);
            nanos[i] = System.nanoTime() - start;
        }
        sink += blackhole;
        Arrays.sort(nanos);
        return new Figure(name, nanos[iterations / 2] / 1000.0, nanos[(int) (iterations * 0.99)] / 1000.0);
    }

    private static double tribuo(Model<Label> model, String[] names, Object[] row) {
        double[] values = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            values[i] = (Double) row[i];
        }
        return model.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, names, values)).getOutput().getScore();
    }

    private static double score(Score score) {
        return ((Score.Classification) score).scores()[0];
    }

    private static Model<Label> train(Trainer<Label> trainer, InputSchema schema, String[] names) {
        LabelFactory labels = new LabelFactory();
        List<Example<Label>> examples = new ArrayList<>();
        for (Object[] row : rows(5000, 1)) {
            double sum = 0;
            for (int i = 0; i < FEATURES; i++) {
                sum += (i % 3 - 1) * (Double) row[i] + (i == 4 ? ((Double) row[i]) * ((Double) row[i]) - 1 : 0);
            }
            examples.add(new ArrayExample<>(new Label(sum > 0.5 ? "yes" : sum < -0.5 ? "no" : "maybe"), schema.encode(row)));
        }
        var source = new ListDataSource<>(examples, labels, new SimpleDataSourceProvenance("bench", labels));
        return trainer.train(new MutableDataset<>(source), schema.asProvenance());
    }

    private static List<Object[]> rows(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Object[]> rows = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            Object[] row = new Object[FEATURES];
            for (int i = 0; i < FEATURES; i++) {
                row[i] = random.nextGaussian();
            }
            rows.add(row);
        }
        return rows;
    }
}
