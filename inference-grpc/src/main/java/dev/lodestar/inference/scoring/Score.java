package dev.lodestar.inference.scoring;

/** What a {@link CompiledModel} answers for one row. */
public sealed interface Score permits Score.Classification, Score.Regression {

    /**
     * A classification.
     *
     * @param label  the predicted class
     * @param scores the score of every class, aligned with {@link CompiledModel#classNames()} (do not modify)
     */
    record Classification(String label, double[] scores) implements Score {
    }

    /**
     * A regression.
     *
     * @param value the predicted value of the model's single output dimension
     */
    record Regression(double value) implements Score {
    }
}
