package dev.lodestar.inference.scoring;

import java.util.ArrayList;
import java.util.List;

import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * A model's outputs: its class names in sorted order and where each of Tribuo's output ids lands in that order, or
 * its single regression dimension.
 */
record Outputs(CompiledModel.OutputKind kind, List<String> classNames, int[] sortedIndexOfId, String dimension) {

    static Outputs of(Model<?> model) {
        ImmutableOutputInfo<?> info = model.getOutputIDInfo();
        if (model.validate(Label.class)) {
            List<String> byId = new ArrayList<>(info.size());
            for (int id = 0; id < info.size(); id++) {
                byId.add(((Label) info.getOutput(id)).getLabel());
            }
            List<String> sorted = byId.stream().sorted().toList();
            int[] sortedIndexOfId = new int[byId.size()];
            for (int id = 0; id < byId.size(); id++) {
                sortedIndexOfId[id] = sorted.indexOf(byId.get(id));
            }
            return new Outputs(CompiledModel.OutputKind.LABEL, sorted, sortedIndexOfId, null);
        }
        if (model.validate(Regressor.class)) {
            if (info.size() != 1) {
                throw new IllegalArgumentException("regression models with " + info.size()
                        + " output dimensions are not served; one dimension is");
            }
            String[] names = ((Regressor) info.getOutput(0)).getNames();
            return new Outputs(CompiledModel.OutputKind.REGRESSION, List.of(), new int[0], names[0]);
        }
        throw new IllegalArgumentException("models of " + model.getOutputIDInfo().getClass().getSimpleName()
                + " outputs are not served; classification (Label) and regression (Regressor) are");
    }

    /**
     * A classification from scores by output id: the label is the first highest score in id order (as Tribuo
     * chooses), the scores are reordered by class name.
     */
    Score.Classification classification(double[] scoresById) {
        int best = 0;
        for (int id = 1; id < scoresById.length; id++) {
            if (scoresById[id] > scoresById[best]) {
                best = id;
            }
        }
        double[] sorted = new double[scoresById.length];
        for (int id = 0; id < scoresById.length; id++) {
            sorted[sortedIndexOfId[id]] = scoresById[id];
        }
        return new Score.Classification(classNames.get(sortedIndexOfId[best]), sorted);
    }
}
