package dev.lodestar.inference.scoring;

import org.tribuo.common.sgd.AbstractLinearSGDModel;
import org.tribuo.math.la.DenseMatrix;

/**
 * Scores a linear SGD model (logistic regression, linear SGD classification or regression) from its weights, read
 * once: one dot product per output over the features in id order, the bias last, as Tribuo computes it, then the
 * classification normalizer (softmax, or none for hinge-loss models).
 */
final class LinearScorer implements Scorer {

    private final RowEncoder encoder;
    private final Outputs outputs;
    /** weights[output][feature id], the bias (if any) in the last column. */
    private final double[][] weights;
    private final boolean bias;
    private final boolean softmax;

    LinearScorer(AbstractLinearSGDModel<?> model, RowEncoder encoder, Outputs outputs, boolean softmax) {
        this.encoder = encoder;
        this.outputs = outputs;
        this.softmax = softmax;
        DenseMatrix matrix = model.getWeightsCopy();
        int columns = matrix.getDimension2Size();
        if (columns != encoder.width() && columns != encoder.width() + 1) {
            throw new IllegalArgumentException("weights have " + columns + " columns for " + encoder.width() + " features");
        }
        bias = columns == encoder.width() + 1;
        weights = new double[matrix.getDimension1Size()][columns];
        for (int i = 0; i < weights.length; i++) {
            for (int j = 0; j < columns; j++) {
                weights[i][j] = matrix.get(i, j);
            }
        }
    }

    @Override
    public Score score(Object[] row) {
        int width = weights[0].length;
        double[] x = new double[width];
        encoder.write(row, x);
        if (bias) {
            x[width - 1] = 1.0;
        }
        double[] out = new double[weights.length];
        for (int i = 0; i < out.length; i++) {
            double[] w = weights[i];
            double sum = 0.0;
            for (int j = 0; j < width; j++) {
                sum += w[j] * x[j];
            }
            out[i] = sum;
        }
        if (outputs.kind() == CompiledModel.OutputKind.REGRESSION) {
            return new Score.Regression(out[0]);
        }
        if (softmax) {
            softmax(out);
        }
        return outputs.classification(out);
    }

    /** Tribuo's SoftmaxNormalizer. */
    private static void softmax(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : values) {
            if (value > max) {
                max = value;
            }
        }
        double sum = 0.0;
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(values[i] - max);
            sum += values[i];
        }
        for (int i = 0; i < values.length; i++) {
            values[i] /= sum;
        }
    }

    @Override
    public String method() {
        return softmax ? "linear-softmax" : "linear";
    }
}
