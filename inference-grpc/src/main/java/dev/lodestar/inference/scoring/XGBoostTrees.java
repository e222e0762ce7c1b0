package dev.lodestar.inference.scoring;

import java.io.IOException;
import java.util.Arrays;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Scores an XGBoost tree ensemble in plain Java, from the booster's own JSON model (exact single-precision split
 * conditions and leaf values, the base score, which class each tree votes for). It follows XGBoost's CPU
 * predictor: features as floats, a missing feature (a one-hot category not taken) goes the node's default way,
 * {@code value < condition} goes left, leaves are added in tree order onto the base score in single precision, then
 * softmax for {@code multi:softprob} or nothing for squared-error regression.
 *
 * <p>No native call and no lock: XGBoost's own {@code Booster.predict} is synchronized per booster.
 */
final class XGBoostTrees implements Scorer {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Set<String> IDENTITY = Set.of("reg:squarederror", "reg:linear");
    private static final String SOFTPROB = "multi:softprob";

    private final RowEncoder encoder;
    private final Outputs outputs;
    private final float baseScore;
    private final int groups;
    private final boolean softmax;
    private final int[] group;
    private final Tree[] trees;

    /** One regression tree in XGBoost's array form; a node is a leaf when its left child is -1. */
    private record Tree(int[] left, int[] right, int[] feature, float[] condition, boolean[] defaultLeft) {

        float leaf(float[] x) {
            int node = 0;
            while (left[node] != -1) {
                float value = x[feature[node]];
                if (Float.isNaN(value)) {
                    node = defaultLeft[node] ? left[node] : right[node];
                } else {
                    node = value < condition[node] ? left[node] : right[node];
                }
            }
            return condition[node];
        }
    }

    /** Thrown when a booster holds something this scorer does not evaluate (another booster, objective or split). */
    static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message);
        }
    }

    XGBoostTrees(Booster booster, RowEncoder encoder, Outputs outputs) throws Unsupported, XGBoostError, IOException {
        this.encoder = encoder;
        this.outputs = outputs;
        JsonNode learner = JSON.readTree(booster.toByteArray("json")).path("learner");
        String objective = learner.path("objective").path("name").asText();
        softmax = SOFTPROB.equals(objective);
        if (!softmax && !IDENTITY.contains(objective)) {
            throw new Unsupported("objective " + objective);
        }
        JsonNode gradientBooster = learner.path("gradient_booster");
        if (!"gbtree".equals(gradientBooster.path("name").asText())) {
            throw new Unsupported("booster " + gradientBooster.path("name").asText());
        }
        JsonNode params = learner.path("learner_model_param");
        baseScore = Float.parseFloat(params.path("base_score").asText());
        groups = Math.max(1, Integer.parseInt(params.path("num_class").asText("0")));
        if (softmax != (outputs.kind() == CompiledModel.OutputKind.LABEL) || (softmax && groups != outputs.classNames().size())) {
            throw new Unsupported("objective " + objective + " with " + groups + " groups for a " + outputs.kind() + " model");
        }
        JsonNode model = gradientBooster.path("model");
        JsonNode treeInfo = model.path("tree_info");
        JsonNode treeNodes = model.path("trees");
        trees = new Tree[treeNodes.size()];
        group = new int[trees.length];
        for (int t = 0; t < trees.length; t++) {
            group[t] = treeInfo.get(t).asInt();
            trees[t] = tree(treeNodes.get(t), encoder.width());
        }
    }

    private static Tree tree(JsonNode node, int width) throws Unsupported {
        int[] left = ints(node.path("left_children"));
        int[] right = ints(node.path("right_children"));
        int[] feature = ints(node.path("split_indices"));
        JsonNode conditions = node.path("split_conditions");
        JsonNode defaults = node.path("default_left");
        JsonNode types = node.path("split_type");
        float[] condition = new float[left.length];
        boolean[] defaultLeft = new boolean[left.length];
        for (int n = 0; n < left.length; n++) {
            condition[n] = conditions.get(n).decimalValue().floatValue();
            JsonNode flag = defaults.get(n);
            defaultLeft[n] = flag.isBoolean() ? flag.asBoolean() : flag.asInt() != 0;
            if (types.isArray() && types.size() > n && types.get(n).asInt() != 0) {
                throw new Unsupported("categorical splits");
            }
            if (left[n] != -1 && (feature[n] < 0 || feature[n] >= width)) {
                throw new Unsupported("a split on feature " + feature[n] + " of " + width);
            }
        }
        return new Tree(left, right, feature, condition, defaultLeft);
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    @Override
    public Score score(Object[] row) {
        float[] x = new float[encoder.width()];
        Arrays.fill(x, Float.NaN);
        encoder.write(row, x);
        float[] margin = new float[groups];
        Arrays.fill(margin, baseScore);
        for (int t = 0; t < trees.length; t++) {
            margin[group[t]] += trees[t].leaf(x);
        }
        if (!softmax) {
            return new Score.Regression(margin[0]);
        }
        return outputs.classification(softmax(margin));
    }

    /** XGBoost's Softmax (common/math.h): single precision, the sum kept in double. */
    private static double[] softmax(float[] margin) {
        float max = margin[0];
        for (int i = 1; i < margin.length; i++) {
            max = Math.max(margin[i], max);
        }
        double sum = 0.0;
        for (int i = 0; i < margin.length; i++) {
            margin[i] = (float) Math.exp(margin[i] - max);
            sum += margin[i];
        }
        double[] probabilities = new double[margin.length];
        float total = (float) sum;
        for (int i = 0; i < margin.length; i++) {
            probabilities[i] = margin[i] / total;
        }
        return probabilities;
    }

    @Override
    public String method() {
        return "xgboost-trees";
    }
}
