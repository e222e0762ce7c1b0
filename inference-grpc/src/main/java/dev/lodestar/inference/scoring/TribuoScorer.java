package dev.lodestar.inference.scoring;

import java.util.List;
import java.util.Map;

import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

import dev.lodestar.tribuo.InputSchema;

/**
 * Scores through Tribuo's own {@code Model.predict} on an example built from the row: the reference every faster
 * scorer is checked against, and the method for models without one (trees, forests). Tribuo models are safe to
 * use from several threads for prediction.
 */
final class TribuoScorer implements Scorer {

    private final Model<?> model;
    private final InputSchema schema;
    private final Outputs outputs;
    private final Output<?> unknown;

    TribuoScorer(Model<?> model, InputSchema schema, Outputs outputs) {
        this.model = model;
        this.schema = schema;
        this.outputs = outputs;
        this.unknown = outputs.kind() == CompiledModel.OutputKind.LABEL ? LabelFactory.UNKNOWN_LABEL
                : RegressionFactory.UNKNOWN_REGRESSOR;
    }

    @Override
    public Score score(Object[] row) {
        return toScore(predict(row));
    }

    /** Tribuo's prediction for the row. */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    Prediction<?> predict(Object[] row) {
        Example example = new ArrayExample(unknown, schema.encode(row));
        return ((Model) model).predict(example);
    }

    /** A Tribuo prediction as a score. */
    Score toScore(Prediction<?> prediction) {
        if (outputs.kind() == CompiledModel.OutputKind.REGRESSION) {
            return new Score.Regression(((Regressor) prediction.getOutput()).getValues()[0]);
        }
        List<String> names = outputs.classNames();
        Map<String, ? extends Output<?>> all = prediction.getOutputScores();
        double[] scores = new double[names.size()];
        for (int i = 0; i < scores.length; i++) {
            Output<?> label = all.get(names.get(i));
            scores[i] = label == null ? 0.0 : ((Label) label).getScore();
        }
        return new Score.Classification(((Label) prediction.getOutput()).getLabel(), scores);
    }

    @Override
    public String method() {
        return "tribuo";
    }
}
