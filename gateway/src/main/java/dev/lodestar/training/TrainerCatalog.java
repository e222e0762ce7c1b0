package dev.lodestar.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Output;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.sgd.LabelObjective;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;
import org.tribuo.regression.sgd.RegressionObjective;
import org.tribuo.regression.sgd.objectives.AbsoluteLoss;
import org.tribuo.regression.sgd.objectives.Huber;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.regression.xgboost.XGBoostRegressionTrainer;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.Transformation;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;
import org.tribuo.transform.transformations.SimpleTransform;

import dev.lodestar.experiments.ParamInput;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.tribuo.InputSchema;

/**
 * The trainers jobs may use, the params each accepts, and how a checked spec becomes a Tribuo trainer. Every
 * trainer also takes {@code seed} (default: the job's seed) and {@code missing} ({@code impute} or
 * {@code refuse}, see {@link FeatureEncoder}). The linear trainers also take {@code standardize}: their NUMBER
 * features are standardized inside the model ({@link #standardized}). It defaults to {@code true} for
 * classification, where SGD on raw columns of very different ranges saturates the class scores, and to
 * {@code false} for regression, whose unscaled target the default learning rate cannot reach from standardized
 * inputs. Trees split on thresholds and do not take it.
 */
final class TrainerCatalog {

    static final String SEED = "seed";
    static final String MISSING = "missing";
    static final String IMPUTE = "impute";
    static final String REFUSE = "refuse";
    static final String STANDARDIZE = "standardize";

    private static final TrainerParam SEED_PARAM = TrainerParam.integer(SEED, Long.MIN_VALUE, Long.MAX_VALUE, null,
            "Seed of the trainer's randomness; defaults to the job's seed.");
    private static final TrainerParam MISSING_PARAM = TrainerParam.choice(MISSING, List.of(IMPUTE, REFUSE),
            "impute: a missing NUMBER takes the training mean, a missing TEXT is no category, rows without a target"
                    + " are left out; refuse: the job fails naming the first line and column with a missing value.");
    private static final TrainerParam EPOCHS = TrainerParam.integer("epochs", 1, 10_000, 5L, "Passes over the training rows.");
    private static final TrainerParam LEARNING_RATE = TrainerParam.decimal("learningRate", 1e-9, 100, 1.0,
            "AdaGrad's initial learning rate.");
    private static final TrainerParam MINIBATCH = TrainerParam.integer("minibatchSize", 1, 100_000, 1L, "Rows per gradient step.");
    private static final TrainerParam MAX_DEPTH = TrainerParam.integer("maxDepth", 1, 1_000, 10L, "Deepest a tree grows.");
    private static final TrainerParam MIN_CHILD_WEIGHT = TrainerParam.decimal("minChildWeight", 0, 1e9, 5,
            "Least total weight (rows) a tree node may hold.");
    private static final String STANDARDIZE_WHAT = "true: each NUMBER column is standardized inside the model to the"
            + " z-score (value - mean) / standard deviation of the training rows (a column constant in them is only"
            + " centred), and prediction applies the same transform; TEXT one-hot features are left as they are."
            + " false: raw values.";
    private static final TrainerParam STANDARDIZE_CLASSIFIER = TrainerParam.flag(STANDARDIZE, true, STANDARDIZE_WHAT
            + " Raw columns of large or very different ranges saturate the class scores at 0 and 1.");
    private static final TrainerParam STANDARDIZE_REGRESSOR = TrainerParam.flag(STANDARDIZE, false, STANDARDIZE_WHAT
            + " Off by default for regression: the target is not rescaled, so on standardized inputs the weights must"
            + " grow to the target's scale, which AdaGrad reaches only with a learningRate near the target's standard"
            + " deviation.");
    private static final TrainerParam TREES = TrainerParam.integer("trees", 1, 10_000, 10L, "Trees in the ensemble.");

    private TrainerCatalog() {
    }

    /** The params {@code kind} accepts for {@code task}, by name; {@code INVALID_ARGUMENT} if it cannot do the task. */
    static Map<String, TrainerParam> params(TrainerKind kind, Task task) {
        List<TrainerParam> params = new ArrayList<>();
        switch (kind) {
            case LOGISTIC_REGRESSION -> {
                if (task != Task.CLASSIFICATION) {
                    throw ApiException.invalid("trainer LOGISTIC_REGRESSION trains classifiers only; use LINEAR_SGD for REGRESSION");
                }
                params.addAll(List.of(EPOCHS, LEARNING_RATE, MINIBATCH, STANDARDIZE_CLASSIFIER));
            }
            case LINEAR_SGD -> {
                params.addAll(List.of(EPOCHS, LEARNING_RATE, MINIBATCH,
                        task == Task.CLASSIFICATION ? STANDARDIZE_CLASSIFIER : STANDARDIZE_REGRESSOR));
                params.add(task == Task.CLASSIFICATION
                        ? TrainerParam.choice("loss", List.of("hinge", "log"), "hinge (a linear SVM) or log (logistic regression).")
                        : TrainerParam.choice("loss", List.of("squared", "absolute", "huber"), "The regression loss."));
            }
            case CART -> params.addAll(List.of(MAX_DEPTH, MIN_CHILD_WEIGHT,
                    TrainerParam.decimal("featureFraction", 0.01, 1, 1, "Share of the features each split considers.")));
            case RANDOM_FOREST -> params.addAll(List.of(TREES, MAX_DEPTH, MIN_CHILD_WEIGHT,
                    TrainerParam.decimal("featureFraction", 0.01, 0.99, 0.5, "Share of the features each split considers.")));
            case XGBOOST -> params.addAll(List.of(
                    TrainerParam.integer("trees", 1, 10_000, 50L, "Boosting rounds."),
                    TrainerParam.decimal("eta", 1e-6, 1, 0.3, "Shrinkage of each round."),
                    TrainerParam.integer("maxDepth", 1, 100, 6L, "Deepest a tree grows."),
                    TrainerParam.decimal("minChildWeight", 0, 1e9, 1, "Least hessian weight a child may hold."),
                    TrainerParam.decimal("subsample", 0.01, 1, 1, "Share of rows each round samples."),
                    TrainerParam.decimal("featureFraction", 0.01, 1, 1, "Share of features each tree samples."),
                    TrainerParam.decimal("lambda", 0, 1e6, 1, "L2 regularisation."),
                    TrainerParam.decimal("alpha", 0, 1e6, 0, "L1 regularisation."),
                    TrainerParam.integer("threads", 1, 64, 1L, "Threads XGBoost trains with.")));
        }
        params.add(SEED_PARAM);
        params.add(MISSING_PARAM);
        Map<String, TrainerParam> byName = new LinkedHashMap<>();
        params.forEach(p -> byName.put(p.name(), p));
        return byName;
    }

    /**
     * The params given, checked, with defaults filled in, sorted by name. An unknown or repeated param is
     * {@code INVALID_ARGUMENT} naming it.
     */
    static Map<String, String> check(TrainerKind kind, Task task, List<ParamInput> given, long seed) {
        Map<String, TrainerParam> known = params(kind, task);
        Map<String, String> checked = new TreeMap<>();
        for (ParamInput param : given == null ? List.<ParamInput>of() : given) {
            TrainerParam spec = known.get(param.key());
            if (spec == null) {
                throw ApiException.invalid("params: '" + param.key() + "' is not a param of " + kind + " for " + task
                        + "; it takes " + known.keySet());
            }
            if (checked.put(param.key(), spec.check(param.value())) != null) {
                throw ApiException.invalid("params: '" + param.key() + "' is given twice");
            }
        }
        known.values().forEach(p -> checked.putIfAbsent(p.name(), p.defaultValue() != null ? p.defaultValue()
                : p.name().equals(SEED) ? Long.toString(seed) : null));
        return checked;
    }

    /** A classification trainer for checked params. */
    static Trainer<Label> classifier(TrainerKind kind, Map<String, String> params) {
        long seed = Long.parseLong(params.get(SEED));
        return switch (kind) {
            case LOGISTIC_REGRESSION -> sgdClassifier(new LogMulticlass(), params, seed);
            case LINEAR_SGD -> sgdClassifier("log".equals(params.get("loss")) ? new LogMulticlass() : new Hinge(), params, seed);
            case CART -> cartClassifier(params, seed);
            case RANDOM_FOREST -> new RandomForestTrainer<>(cartClassifier(params, seed), new VotingCombiner(),
                    integer(params, "trees"), seed);
            case XGBOOST -> new XGBoostClassificationTrainer(integer(params, "trees"), decimal(params, "eta"), 0,
                    integer(params, "maxDepth"), decimal(params, "minChildWeight"), decimal(params, "subsample"),
                    decimal(params, "featureFraction"), decimal(params, "lambda"), decimal(params, "alpha"),
                    integer(params, "threads"), true, seed);
        };
    }

    /** A regression trainer for checked params. */
    static Trainer<Regressor> regressor(TrainerKind kind, Map<String, String> params) {
        long seed = Long.parseLong(params.get(SEED));
        return switch (kind) {
            case LOGISTIC_REGRESSION -> throw ApiException.invalid("trainer LOGISTIC_REGRESSION trains classifiers only");
            case LINEAR_SGD -> {
                RegressionObjective loss = switch (params.get("loss")) {
                    case "absolute" -> new AbsoluteLoss();
                    case "huber" -> new Huber();
                    default -> new SquaredLoss();
                };
                yield new org.tribuo.regression.sgd.linear.LinearSGDTrainer(loss, new AdaGrad(decimal(params, "learningRate"), 0.1),
                        integer(params, "epochs"), Integer.MAX_VALUE, integer(params, "minibatchSize"), seed);
            }
            case CART -> cartRegressor(params, seed);
            case RANDOM_FOREST -> new RandomForestTrainer<>(cartRegressor(params, seed), new AveragingCombiner(),
                    integer(params, "trees"), seed);
            case XGBOOST -> new XGBoostRegressionTrainer(XGBoostRegressionTrainer.RegressionType.LINEAR, integer(params, "trees"),
                    decimal(params, "eta"), 0, integer(params, "maxDepth"), decimal(params, "minChildWeight"),
                    decimal(params, "subsample"), decimal(params, "featureFraction"), decimal(params, "lambda"),
                    decimal(params, "alpha"), integer(params, "threads"), true, seed);
        };
    }

    /**
     * The trainer as it should see {@code training}: when the checked params say {@code standardize=true}, wrapped
     * in a {@link TransformTrainer} that standardizes every NUMBER column of {@code schema} with the mean and
     * (sample) standard deviation of its training values, so the model it returns is a
     * {@link org.tribuo.transform.TransformedModel} applying the same transform at prediction time. A column that
     * is constant in the training rows is only centred: its standard deviation counts as 1.
     * Otherwise the trainer unchanged.
     */
    static <T extends Output<T>> Trainer<T> standardized(Trainer<T> trainer, Map<String, String> params, InputSchema schema,
            Dataset<T> training) {
        if (!"true".equals(params.get(STANDARDIZE))) {
            return trainer;
        }
        // Tribuo's feature statistics keep low-cardinality numbers as categorical counts, so the range is read here.
        Map<String, double[]> ranges = new LinkedHashMap<>();
        for (InputSchema.Column column : schema.columns()) {
            if (column.type() == InputSchema.ColumnType.NUMBER) {
                ranges.put(column.name(), new double[] { Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY });
            }
        }
        for (Example<T> example : training) {
            for (Feature feature : example) {
                double[] range = ranges.get(feature.getName());
                if (range != null) {
                    range[0] = Math.min(range[0], feature.getValue());
                    range[1] = Math.max(range[1], feature.getValue());
                }
            }
        }
        Map<String, List<Transformation>> byFeature = new LinkedHashMap<>();
        ranges.forEach((name, range) -> {
            if (range[0] < range[1]) {
                byFeature.put(name, List.of(new MeanStdDevTransformation()));
            } else if (range[0] == range[1]) {
                byFeature.put(name, List.of(SimpleTransform.sub(range[0])));
            }
        });
        return byFeature.isEmpty() ? trainer : new TransformTrainer<>(trainer, new TransformationMap(byFeature));
    }

    private static Trainer<Label> sgdClassifier(LabelObjective objective, Map<String, String> params, long seed) {
        // Logging interval MAX_VALUE: Tribuo would otherwise log every thousand steps into the gateway's log.
        return new org.tribuo.classification.sgd.linear.LinearSGDTrainer(objective, new AdaGrad(decimal(params, "learningRate"), 0.1),
                integer(params, "epochs"), Integer.MAX_VALUE, integer(params, "minibatchSize"), seed);
    }

    private static CARTClassificationTrainer cartClassifier(Map<String, String> params, long seed) {
        return new CARTClassificationTrainer(integer(params, "maxDepth"), (float) decimal(params, "minChildWeight"), 0.0f,
                (float) decimal(params, "featureFraction"), false, new GiniIndex(), seed);
    }

    private static CARTRegressionTrainer cartRegressor(Map<String, String> params, long seed) {
        return new CARTRegressionTrainer(integer(params, "maxDepth"), (float) decimal(params, "minChildWeight"), 0.0f,
                (float) decimal(params, "featureFraction"), false, new MeanSquaredError(), seed);
    }

    private static int integer(Map<String, String> params, String name) {
        return Integer.parseInt(params.get(name));
    }

    private static double decimal(Map<String, String> params, String name) {
        return Double.parseDouble(params.get(name));
    }
}
