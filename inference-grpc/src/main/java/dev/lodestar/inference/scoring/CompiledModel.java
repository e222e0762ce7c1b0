package dev.lodestar.inference.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.jboss.logging.Logger;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.common.sgd.AbstractLinearSGDModel;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.transform.TransformedModel;

import dev.lodestar.tribuo.InputSchema;
import ml.dmlc.xgboost4j.java.Booster;

/**
 * A Tribuo model prepared for serving: its input schema, its outputs, and the fastest scorer that gives the same
 * answers as Tribuo's own {@code predict}. Thread-safe; immutable until {@link #close}.
 *
 * <p>Scorers by model: linear SGD models (logistic regression, linear SGD classification and regression) are a dot
 * product over weights read once, also when a {@link TransformedModel} standardizes their inputs (the affine
 * feature transforms are folded into the weights and bias; see {@link FeatureTransforms}); XGBoost tree ensembles are evaluated in Java from the booster's JSON model (other
 * XGBoost boosters go to the native library directly, without Tribuo's conversion); everything else (CART trees,
 * random forests) goes through Tribuo's {@code predict}. A fast scorer is only used after it has matched Tribuo's
 * {@code predict} on synthetic rows at compile time; otherwise Tribuo's own path is used.
 */
public final class CompiledModel {

    private static final Logger LOG = Logger.getLogger(CompiledModel.class);
    private static final int CHECK_ROWS = 64;
    /** Agreement required of a fast scorer with Tribuo's predict (relative, or absolute near zero). */
    private static final double TOLERANCE = 1e-5;

    /** The kind of answer a model gives. */
    public enum OutputKind {
        /** Classification: a label and a score per class. */
        LABEL,
        /** Regression: one value. */
        REGRESSION
    }

    private final Model<?> model;
    private final InputSchema schema;
    private final RowReader reader;
    private final Outputs outputs;
    private final Scorer scorer;

    private CompiledModel(Model<?> model, InputSchema schema, Outputs outputs, Scorer scorer) {
        this.model = model;
        this.schema = schema;
        this.reader = new RowReader(schema);
        this.outputs = outputs;
        this.scorer = scorer;
    }

    /** Compiles a model with the input schema it carries ({@link InputSchema#of}). */
    public static CompiledModel compile(Model<?> model) {
        return compile(model, InputSchema.of(model));
    }

    /**
     * Compiles a model.
     *
     * @throws IllegalArgumentException if the model's outputs are neither labels nor a single regression value
     */
    public static CompiledModel compile(Model<?> model, InputSchema schema) {
        Outputs outputs = Outputs.of(model);
        RowEncoder encoder = new RowEncoder(schema, model.getFeatureIDMap());
        TribuoScorer reference = new TribuoScorer(model, schema, outputs);
        Scorer scorer = reference;
        List<Scorer> candidates = candidates(model, schema, encoder, outputs);
        for (int i = 0; i < candidates.size() && scorer == reference; i++) {
            Scorer candidate = candidates.get(i);
            String mismatch = disagreement(candidate, reference, schema);
            if (mismatch == null) {
                scorer = candidate;
            } else if (i == candidates.size() - 1) {
                LOG.warnf("No fast scorer agrees with Tribuo for %s (%s: %s); scoring through Tribuo",
                        model.getClass().getSimpleName(), candidate.method(), mismatch);
            } else {
                LOG.debugf("Scorer %s does not fit %s (%s)", candidate.method(), model.getClass().getSimpleName(), mismatch);
            }
        }
        for (Scorer candidate : candidates) {
            if (candidate != scorer) {
                candidate.close();
            }
        }
        return new CompiledModel(model, schema, outputs, scorer);
    }

    /** The fast scorers for a model, best first. */
    private static List<Scorer> candidates(Model<?> model, InputSchema schema, RowEncoder encoder, Outputs outputs) {
        List<Scorer> candidates = new ArrayList<>();
        if (model instanceof AbstractLinearSGDModel<?> linear) {
            linearCandidates(linear, null, encoder, outputs, candidates);
        } else if (model instanceof TransformedModel<?> transformed
                && transformed.getInnerModel() instanceof AbstractLinearSGDModel<?> linear) {
            if (!sameIds(linear.getFeatureIDMap(), model.getFeatureIDMap())) {
                LOG.debugf("Transformed linear model scored through Tribuo: its inner model has other feature ids");
                return candidates;
            }
            try {
                linearCandidates(linear, FeatureTransforms.of(transformed, schema, model.getFeatureIDMap()), encoder, outputs,
                        candidates);
            } catch (FeatureTransforms.Unsupported e) {
                LOG.debugf("Transformed linear model scored through Tribuo: %s", e.getMessage());
            }
        } else if (model instanceof XGBoostModel<?> xgboost) {
            List<Booster> boosters = xgboost.getInnerModels();
            if (boosters.size() == 1) {
                try {
                    candidates.add(new XGBoostTrees(boosters.get(0), encoder, outputs));
                } catch (XGBoostTrees.Unsupported e) {
                    LOG.debugf("XGBoost model scored natively: %s", e.getMessage());
                } catch (Exception e) {
                    LOG.warnf(e, "XGBoost model could not be read for scoring in Java");
                }
                candidates.add(new XGBoostNative(boosters, encoder, outputs));
            } else {
                boosters.forEach(Booster::dispose); // copies; an ensemble of several is scored through Tribuo
            }
        }
        return candidates;
    }

    private static boolean sameIds(ImmutableFeatureMap a, ImmutableFeatureMap b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int id = 0; id < a.size(); id++) {
            if (!a.get(id).getName().equals(b.get(id).getName())) {
                return false;
            }
        }
        return true;
    }

    private static void linearCandidates(AbstractLinearSGDModel<?> linear, FeatureTransforms transforms, RowEncoder encoder,
            Outputs outputs, List<Scorer> candidates) {
        if (outputs.kind() == OutputKind.LABEL) {
            candidates.add(new LinearScorer(linear, transforms, encoder, outputs, true));
        }
        candidates.add(new LinearScorer(linear, transforms, encoder, outputs, false));
    }

    /** Where a candidate disagrees with Tribuo on synthetic rows, or null if it agrees on all of them. */
    private static String disagreement(Scorer candidate, TribuoScorer reference, InputSchema schema) {
        int compared = 0;
        for (Object[] row : syntheticRows(schema, CHECK_ROWS, 17)) {
            Score expected;
            try {
                expected = reference.score(row);
            } catch (IllegalArgumentException e) {
                continue; // Tribuo refuses rows with no feature it knows
            }
            Score actual = candidate.score(row);
            if (!agree(expected, actual)) {
                return "expected " + describe(expected) + ", got " + describe(actual);
            }
            compared++;
        }
        return compared == 0 ? "no row to compare on" : null;
    }

    static boolean agree(Score expected, Score actual) {
        if (expected instanceof Score.Regression e && actual instanceof Score.Regression a) {
            return close(e.value(), a.value());
        }
        if (expected instanceof Score.Classification e && actual instanceof Score.Classification a) {
            if (e.scores().length != a.scores().length) {
                return false;
            }
            for (int i = 0; i < e.scores().length; i++) {
                if (!close(e.scores()[i], a.scores()[i])) {
                    return false;
                }
            }
            return e.label().equals(a.label());
        }
        return false;
    }

    private static boolean close(double expected, double actual) {
        return Math.abs(expected - actual) <= TOLERANCE * Math.max(1.0, Math.abs(expected));
    }

    private static String describe(Score score) {
        if (score instanceof Score.Classification c) {
            return c.label() + " " + Arrays.toString(c.scores());
        }
        return String.valueOf(((Score.Regression) score).value());
    }

    /**
     * Rows made up from a schema: numbers around each column's fill value (or around zero), categories in turn,
     * now and then one the model has not seen.
     */
    static List<Object[]> syntheticRows(InputSchema schema, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<InputSchema.Column> columns = schema.columns();
        List<Object[]> rows = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            Object[] row = new Object[columns.size()];
            for (int i = 0; i < row.length; i++) {
                InputSchema.Column column = columns.get(i);
                if (column.type() == InputSchema.ColumnType.NUMBER) {
                    double centre = column.fill() == null ? 0.0 : column.fill();
                    double spread = Math.max(1.0, Math.abs(centre));
                    row[i] = switch (r % 8) {
                        case 0 -> 0.0;
                        case 1 -> centre;
                        default -> centre + spread * random.nextDouble(-10.0, 10.0);
                    };
                } else {
                    List<String> categories = column.categories();
                    row[i] = categories.isEmpty() || r % 7 == 6 ? "" : categories.get(random.nextInt(categories.size()));
                }
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * Scores one row.
     *
     * @param row the cells in schema order, as {@link RowReader#read} gives them
     */
    public Score score(Object[] row) {
        return scorer.score(row);
    }

    /** Scores {@code rows} synthetic rows, so the code paths are compiled before real traffic arrives. */
    public void warmUp(int rows) {
        List<Object[]> synthetic = syntheticRows(schema, Math.min(rows, 256), 31);
        for (int i = 0; i < rows; i++) {
            scorer.score(synthetic.get(i % synthetic.size()));
        }
    }

    /** The input schema. */
    public InputSchema schema() {
        return schema;
    }

    /** Reads rows given by feature name into this model's column order. */
    public RowReader rowReader() {
        return reader;
    }

    /** Classification or regression. */
    public OutputKind outputKind() {
        return outputs.kind();
    }

    /** The class names, sorted (classification only; empty for regression); scores are aligned with them. */
    public List<String> classNames() {
        return outputs.classNames();
    }

    /** The regression output's dimension name (regression only; null for classification). */
    public String dimension() {
        return outputs.dimension();
    }

    /**
     * How rows are scored: {@code linear}, {@code linear-softmax}, their {@code transformed-} forms for a linear
     * model behind feature transforms, {@code xgboost-trees}, {@code xgboost-native} or {@code tribuo}.
     */
    public String method() {
        return scorer.method();
    }

    /** The Tribuo model compiled. */
    public Model<?> model() {
        return model;
    }

    /**
     * Releases the native resources the scorer holds: the XGBoost boosters of the native scorer (copies Tribuo made
     * for it at compile time). Nothing for the other scorers. The compiled model must not score afterwards;
     * closing twice is harmless.
     */
    public void close() {
        scorer.close();
    }
}
