package dev.lodestar.inference.scoring;

import java.util.Arrays;
import java.util.List;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Scores an XGBoost model through the native library, skipping Tribuo's example conversion: the row goes straight
 * into a one-row dense matrix over the feature ids (absent features are NaN, XGBoost's missing value, as in
 * Tribuo's sparse rows). Used for boosters {@link XGBoostTrees} does not evaluate. The native predict is
 * synchronized per booster. The scorer owns its boosters (copies Tribuo hands out) and disposes them on
 * {@link #close}.
 */
final class XGBoostNative implements Scorer {

    private final List<Booster> boosters;
    private final RowEncoder encoder;
    private final Outputs outputs;

    XGBoostNative(List<Booster> boosters, RowEncoder encoder, Outputs outputs) {
        this.boosters = List.copyOf(boosters);
        this.encoder = encoder;
        this.outputs = outputs;
    }

    @Override
    public Score score(Object[] row) {
        float[] x = new float[encoder.width()];
        Arrays.fill(x, Float.NaN);
        encoder.write(row, x);
        try {
            DMatrix matrix = new DMatrix(x, 1, x.length, Float.NaN);
            try {
                float[] first = boosters.get(0).predict(matrix)[0];
                if (outputs.kind() == CompiledModel.OutputKind.REGRESSION) {
                    return new Score.Regression(first[0]);
                }
                double[] scores = new double[first.length];
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = first[i];
                }
                return outputs.classification(scores);
            } finally {
                matrix.dispose();
            }
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost failed to score: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        boosters.forEach(Booster::dispose);
    }

    @Override
    public String method() {
        return "xgboost-native";
    }
}
