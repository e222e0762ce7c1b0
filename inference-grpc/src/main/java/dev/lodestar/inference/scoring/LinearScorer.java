package dev.lodestar.inference.scoring;

import org.tribuo.common.sgd.AbstractLinearSGDModel;
import org.tribuo.math.la.DenseMatrix;

/**
 * Scores a linear SGD model (logistic regression, linear SGD classification or regression) from its weights, read
 * once: one dot product per output over the features in id order, then the bias, as Tribuo computes it, then the
 * classification normalizer (softmax, or none for hinge-loss models). The per-feature affine transforms of a
 * {@link org.tribuo.transform.TransformedModel} wrapping the linear model are folded into the weights and bias at
 * construction ({@code w * (a x + b) = (w a) x + w b}), so a standardized model scores as fast as a raw one.
 */
final class LinearScorer implements Scorer {

    private final RowEncoder encoder;
    private final Outputs outputs;
    /** weights[output][feature id]. */
    private final double[][] weights;
    /** bias[output]: the model's bias plus what the folded shifts add. */
    private final double[] bias;
    private final boolean softmax;
    private final boolean transformed;

    /** A scorer of the linear model itself. */
    LinearScorer(AbstractLinearSGDModel<?> model, RowEncoder encoder, Outputs outputs, boolean softmax) {
        this(model, null, encoder, outputs, softmax);
    }

    /**
     * A scorer of the linear model with {@code transforms} applied to its inputs first.
     *
     * @param transforms the feature transforms to fold in, null for none
     */
    LinearScorer(AbstractLinearSGDModel<?> model, FeatureTransforms transforms, RowEncoder encoder, Outputs outputs,
            boolean softmax) {
        this.encoder = encoder;
        this.outputs = outputs;
        this.softmax = softmax;
        this.transformed = transforms != null;
        DenseMatrix matrix = model.getWeightsCopy();
        int width = encoder.width();
        int columns = matrix.getDimension2Size();
        if (columns != width && columns != width + 1) {
            throw new IllegalArgumentException("weights have " + columns + " columns for " + width + " features");
        }
        weights = new double[matrix.getDimension1Size()][width];
        bias = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            double shifted = 0.0;
            for (int j = 0; j < width; j++) {
                double w = matrix.get(i, j);
                weights[i][j] = transforms == null ? w : w * transforms.scale[j];
                shifted += transforms == null ? 0.0 : w * transforms.shift[j];
            }
            bias[i] = (columns == width + 1 ? matrix.get(i, width) : 0.0) + shifted;
        }
    }

    @Override
    public Score score(Object[] row) {
        int width = encoder.width();
        double[] x = new double[width];
        encoder.write(row, x);
        double[] out = new double[weights.length];
        for (int i = 0; i < out.length; i++) {
            double[] w = weights[i];
            double sum = 0.0;
            for (int j = 0; j < width; j++) {
                sum += w[j] * x[j];
            }
            out[i] = sum + bias[i];
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
        String method = softmax ? "linear-softmax" : "linear";
        return transformed ? "transformed-" + method : method;
    }
}
