package dev.lodestar.inference.scoring;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.regression.xgboost.XGBoostRegressionTrainer;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.Transformation;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;
import org.tribuo.transform.transformations.SimpleTransform;

import dev.lodestar.tribuo.InputSchema;
import dev.lodestar.tribuo.InputSchema.Column;
import dev.lodestar.tribuo.TribuoModels;

/**
 * Small models of every kind Lodestar trains, over a schema with numeric and TEXT columns, trained on synthetic
 * rows and read back from their protobuf bytes as the inference server reads them. {@link #main} writes the
 * frozen golden model under {@code src/test/resources/models}.
 */
final class ScoringModels {

    /** Three numbers and two categorical columns. */
    static final InputSchema SCHEMA = new InputSchema(List.of(
            Column.number("age", 41.5),
            Column.number("income", null),
            Column.text("plan", List.of("basic", "plus", "pro")),
            Column.number("calls", null),
            Column.text("region", List.of("east", "north", "south", "west"))));

    static final String GOLDEN = "scoring-logistic.tribuo";

    /** The trainers of the TrainerKind. */
    enum Kind {
        LOGISTIC_REGRESSION, LINEAR_SGD, CART, RANDOM_FOREST, XGBOOST
    }

    private ScoringModels() {
    }

    static Model<Label> classifier(Kind kind) {
        Trainer<Label> trainer = switch (kind) {
            case LOGISTIC_REGRESSION -> new LogisticRegressionTrainer();
            case LINEAR_SGD -> new org.tribuo.classification.sgd.linear.LinearSGDTrainer(new Hinge(), new AdaGrad(0.1), 5, 42);
            case CART -> new CARTClassificationTrainer(6);
            case RANDOM_FOREST -> new RandomForestTrainer<>(new CARTClassificationTrainer(6, 0.7f, 3), new VotingCombiner(), 10, 5);
            case XGBOOST -> new XGBoostClassificationTrainer(20, 1, true);
        };
        return readBack(trainer.train(dataset(new LabelFactory(), 600, 1, ScoringModels::classOf), SCHEMA.asProvenance()));
    }

    static Model<Regressor> regressor(Kind kind) {
        Trainer<Regressor> trainer = switch (kind) {
            case LOGISTIC_REGRESSION -> throw new IllegalArgumentException("logistic regression classifies");
            case LINEAR_SGD -> new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.1), 5, 1);
            case CART -> new CARTRegressionTrainer(6);
            case RANDOM_FOREST -> new RandomForestTrainer<>(
                    new CARTRegressionTrainer(6, 5f, 0f, 0.7f, new MeanSquaredError(), 3), new AveragingCombiner(), 10, 5);
            case XGBOOST -> new XGBoostRegressionTrainer(XGBoostRegressionTrainer.RegressionType.LINEAR, 20, 1, true);
        };
        return readBack(trainer.train(dataset(new RegressionFactory(), 600, 2, ScoringModels::spendOf), SCHEMA.asProvenance()));
    }

    /**
     * A logistic regression behind Tribuo's feature transforms, as training makes it: {@code age} and {@code income}
     * standardized with their training mean and standard deviation, {@code calls} only centred (as a column
     * constant in training would be), or, with {@code nonLinear}, {@code income} log-transformed instead.
     */
    static Model<Label> transformedClassifier(boolean nonLinear) {
        Trainer<Label> trainer = new TransformTrainer<>(new LogisticRegressionTrainer(), transformations(nonLinear));
        return readBack(trainer.train(dataset(new LabelFactory(), 600, 1, ScoringModels::classOf), SCHEMA.asProvenance()));
    }

    /** A linear SGD regression behind the transforms of {@link #transformedClassifier(boolean)}. */
    static Model<Regressor> transformedRegressor() {
        Trainer<Regressor> trainer = new TransformTrainer<>(
                new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(), new AdaGrad(10), 20, 1),
                transformations(false));
        return readBack(trainer.train(dataset(new RegressionFactory(), 600, 2, ScoringModels::spendOf), SCHEMA.asProvenance()));
    }

    private static TransformationMap transformations(boolean nonLinear) {
        return new TransformationMap(Map.of(
                "age", List.<Transformation>of(new MeanStdDevTransformation()),
                "income", List.<Transformation>of(nonLinear ? SimpleTransform.log() : new MeanStdDevTransformation()),
                "calls", List.<Transformation>of(SimpleTransform.sub(4.0))));
    }

    /** A logistic regression over {@code features} numeric columns named {@code f0, f1, ...}. */
    static Model<Label> wideLogistic(int features) {
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < features; i++) {
            columns.add(Column.number("f" + i, null));
        }
        InputSchema schema = new InputSchema(columns);
        LabelFactory labels = new LabelFactory();
        SplittableRandom random = new SplittableRandom(9);
        List<Example<Label>> examples = new ArrayList<>();
        for (int r = 0; r < 2000; r++) {
            Object[] row = new Object[features];
            double sum = 0;
            for (int i = 0; i < features; i++) {
                double value = random.nextGaussian();
                row[i] = value;
                sum += (i % 3 - 1) * value;
            }
            examples.add(new ArrayExample<>(new Label(sum > 0 ? "yes" : "no"), schema.encode(row)));
        }
        var source = new ListDataSource<>(examples, labels, new SimpleDataSourceProvenance("wide", labels));
        return readBack(new LogisticRegressionTrainer().train(new MutableDataset<>(source), schema.asProvenance()));
    }

    /** Rows of {@link #SCHEMA} as clients send them, now and then with a category unseen in training. */
    static List<Object[]> rows(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] plans = { "basic", "plus", "pro", "gold" };
        String[] regions = { "east", "north", "south", "west", "moon" };
        List<Object[]> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(new Object[] {
                    Math.floor(random.nextDouble(18, 90)),
                    random.nextDouble(500, 9000),
                    plans[random.nextInt(seed == 1 || seed == 2 ? 3 : 4)],
                    (double) random.nextInt(0, 9),
                    regions[random.nextInt(seed == 1 || seed == 2 ? 4 : 5)] });
        }
        return rows;
    }

    private static Label classOf(Object[] row) {
        double age = (Double) row[0];
        double income = (Double) row[1];
        double calls = (Double) row[3];
        String plan = (String) row[2];
        if (calls > 5 || ("basic".equals(plan) && age < 30)) {
            return new Label("leave");
        }
        return new Label(income > 6000 && !"east".equals(row[4]) ? "upgrade" : "stay");
    }

    private static Regressor spendOf(Object[] row) {
        double value = (Double) row[1] * 0.01 + (Double) row[3] * 3 - (Double) row[0] * 0.2
                + ("pro".equals(row[2]) ? 25 : "plus".equals(row[2]) ? 10 : 0) + ("west".equals(row[4]) ? 5 : 0);
        return new Regressor("spend", value);
    }

    private static <T extends Output<T>> MutableDataset<T> dataset(OutputFactory<T> factory, int count, long seed,
            java.util.function.Function<Object[], T> target) {
        List<Example<T>> examples = new ArrayList<>();
        for (Object[] row : rows(count, seed)) {
            examples.add(new ArrayExample<>(target.apply(row), SCHEMA.encode(row)));
        }
        return new MutableDataset<>(new ListDataSource<>(examples, factory,
                new SimpleDataSourceProvenance("scoring-sample", factory)));
    }

    /** The model as the server sees it: serialized to protobuf and read by {@link TribuoModels#read}. */
    @SuppressWarnings("unchecked")
    static <T extends Output<T>> Model<T> readBack(Model<T> model) {
        try {
            return (Model<T>) TribuoModels.read(new ByteArrayInputStream(model.serialize().toByteArray()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the frozen golden model. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/models");
        Files.createDirectories(dir);
        Files.write(dir.resolve(GOLDEN), classifier(Kind.LOGISTIC_REGRESSION).serialize().toByteArray());
    }
}
