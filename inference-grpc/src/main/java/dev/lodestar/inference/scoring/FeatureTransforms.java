package dev.lodestar.inference.scoring;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.tribuo.ImmutableFeatureMap;
import org.tribuo.protos.core.MeanStdDevTransformerProto;
import org.tribuo.protos.core.SimpleTransformProto;
import org.tribuo.protos.core.TransformerProto;
import org.tribuo.transform.TransformedModel;
import org.tribuo.transform.Transformer;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.lodestar.tribuo.InputSchema;

/**
 * The feature transforms of a {@link TransformedModel} as one affine map {@code x -> scale * x + shift} per feature
 * id, so a linear scorer can fold them into its weights and bias. Only transforms that are affine are read: Tribuo's
 * mean and standard deviation standardizer and its add, subtract, multiply and divide transforms, chained in order.
 *
 * <p>Tribuo transforms only the features an example holds. Folding a shift into the bias adds it for every row, so
 * it is exact only for features present in every row: the NUMBER columns of the schema (always encoded), or every
 * feature when the model densifies its examples.
 */
final class FeatureTransforms {

    private static final String STANDARDIZER = "org.tribuo.transform.transformations.MeanStdDevTransformation$MeanStdDevTransformer";
    private static final String SIMPLE = "org.tribuo.transform.transformations.SimpleTransform";

    /** A transform a linear scorer cannot fold; the model is scored another way. */
    static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    /** Scale by feature id (1 for untransformed features). */
    final double[] scale;
    /** Shift by feature id (0 for untransformed features). */
    final double[] shift;

    private FeatureTransforms(double[] scale, double[] shift) {
        this.scale = scale;
        this.shift = shift;
    }

    /**
     * The transforms of {@code model} over the ids of {@code features}.
     *
     * @throws Unsupported if a transform is not affine, or shifts a feature some rows do not hold
     */
    static FeatureTransforms of(TransformedModel<?> model, InputSchema schema, ImmutableFeatureMap features) throws Unsupported {
        double[] scale = new double[features.size()];
        double[] shift = new double[features.size()];
        Arrays.fill(scale, 1.0);
        for (Map.Entry<String, List<Transformer>> entry : model.getTransformerMap().entrySet()) {
            String name = entry.getKey();
            int id = features.getID(name);
            if (id < 0) {
                continue; // a feature the model never uses
            }
            double a = 1.0;
            double b = 0.0;
            for (Transformer transformer : entry.getValue()) {
                double[] affine = affine(transformer);
                a = affine[0] * a;
                b = affine[0] * b + affine[1];
            }
            int column = schema.indexOf(name);
            boolean alwaysPresent = model.getDensify()
                    || column >= 0 && schema.columns().get(column).type() == InputSchema.ColumnType.NUMBER;
            if (b != 0.0 && !alwaysPresent) {
                throw new Unsupported("feature '" + name + "' is shifted but not present in every row");
            }
            scale[id] = a;
            shift[id] = b;
        }
        return new FeatureTransforms(scale, shift);
    }

    /** {scale, shift} of one transformer, read from its protobuf form (Tribuo exposes no accessors). */
    private static double[] affine(Transformer transformer) throws Unsupported {
        TransformerProto proto = transformer.serialize();
        try {
            switch (proto.getClassName()) {
                case STANDARDIZER -> {
                    MeanStdDevTransformerProto p = proto.getSerializedData().unpack(MeanStdDevTransformerProto.class);
                    double scale = p.getTargetStdDev() / p.getObservedStdDev();
                    if (!Double.isFinite(scale)) {
                        throw new Unsupported("a standardizer with standard deviation " + p.getObservedStdDev());
                    }
                    return new double[] { scale, p.getTargetMean() - p.getObservedMean() * scale };
                }
                case SIMPLE -> {
                    SimpleTransformProto p = proto.getSerializedData().unpack(SimpleTransformProto.class);
                    double operand = p.getFirstOperand();
                    return switch (p.getOp()) {
                        case "add" -> new double[] { 1.0, operand };
                        case "sub" -> new double[] { 1.0, -operand };
                        case "mul" -> new double[] { operand, 0.0 };
                        case "div" -> new double[] { 1.0 / operand, 0.0 };
                        default -> throw new Unsupported("the non-linear transform " + p.getOp());
                    };
                }
                default -> throw new Unsupported("the transformer " + proto.getClassName());
            }
        } catch (InvalidProtocolBufferException e) {
            throw new Unsupported("an unreadable transformer " + proto.getClassName() + ": " + e.getMessage());
        }
    }
}
