package dev.lodestar.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.transform.TransformedModel;

import dev.lodestar.inference.scoring.ScoringModels.Kind;
import dev.lodestar.tribuo.InputSchema;
import dev.lodestar.tribuo.TribuoModels;

/**
 * Compiled models answer what Tribuo's own {@code predict} answers, for every kind of model Lodestar trains, on
 * rows the models were not trained on (some with categories never seen in training).
 */
class CompiledModelTest {

    private static final List<Object[]> ROWS = ScoringModels.rows(300, 99);

    @ParameterizedTest
    @EnumSource(Kind.class)
    void classifiersScoreAsTribuoDoes(Kind kind) {
        Model<Label> model = ScoringModels.classifier(kind);
        CompiledModel compiled = CompiledModel.compile(model);

        assertThat(compiled.outputKind()).isEqualTo(CompiledModel.OutputKind.LABEL);
        assertThat(compiled.classNames()).containsExactly("leave", "stay", "upgrade");
        assertThat(compiled.schema()).isEqualTo(ScoringModels.SCHEMA);
        assertThat(compiled.method()).isEqualTo(switch (kind) {
            case LOGISTIC_REGRESSION -> "linear-softmax";
            case LINEAR_SGD -> "linear";
            case CART, RANDOM_FOREST -> "tribuo";
            case XGBOOST -> "xgboost-trees";
        });
        double tolerance = kind == Kind.XGBOOST ? 1e-6 : 1e-9;
        for (Object[] row : ROWS) {
            Prediction<Label> expected = model.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, ScoringModels.SCHEMA.encode(row)));
            Score.Classification actual = (Score.Classification) compiled.score(row);

            assertThat(actual.label()).isEqualTo(expected.getOutput().getLabel());
            Map<String, Label> scores = expected.getOutputScores();
            for (int i = 0; i < compiled.classNames().size(); i++) {
                assertThat(actual.scores()[i]).isCloseTo(scores.get(compiled.classNames().get(i)).getScore(), within(tolerance));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = "LOGISTIC_REGRESSION", mode = EnumSource.Mode.EXCLUDE)
    void regressorsScoreAsTribuoDoes(Kind kind) {
        Model<Regressor> model = ScoringModels.regressor(kind);
        CompiledModel compiled = CompiledModel.compile(model);

        assertThat(compiled.outputKind()).isEqualTo(CompiledModel.OutputKind.REGRESSION);
        assertThat(compiled.dimension()).isEqualTo("spend");
        assertThat(compiled.method()).isEqualTo(switch (kind) {
            case LINEAR_SGD -> "linear";
            case XGBOOST -> "xgboost-trees";
            default -> "tribuo";
        });
        for (Object[] row : ROWS) {
            Prediction<Regressor> expected = model.predict(
                    new ArrayExample<>(RegressionFactory.UNKNOWN_REGRESSOR, ScoringModels.SCHEMA.encode(row)));
            double value = ((Score.Regression) compiled.score(row)).value();

            double want = expected.getOutput().getValues()[0];
            assertThat(value).isCloseTo(want, within(1e-6 * Math.max(1, Math.abs(want))));
        }
    }

    @Test
    void aStandardizedLogisticRegressionIsScoredLinearlyAsTribuoDoes() {
        Model<Label> model = ScoringModels.transformedClassifier(false);
        CompiledModel compiled = CompiledModel.compile(model);

        assertThat(model).isInstanceOf(TransformedModel.class);
        assertThat(compiled.schema()).isEqualTo(ScoringModels.SCHEMA);
        assertThat(compiled.method()).isEqualTo("transformed-linear-softmax");
        int unsaturated = 0;
        for (Object[] row : ROWS) {
            Prediction<Label> expected = model.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, ScoringModels.SCHEMA.encode(row)));
            Score.Classification actual = (Score.Classification) compiled.score(row);

            assertThat(actual.label()).isEqualTo(expected.getOutput().getLabel());
            for (int i = 0; i < compiled.classNames().size(); i++) {
                double want = expected.getOutputScores().get(compiled.classNames().get(i)).getScore();
                assertThat(actual.scores()[i]).isCloseTo(want, within(1e-9));
                unsaturated += want > 0.05 && want < 0.95 ? 1 : 0;
            }
        }
        assertThat(unsaturated).isPositive();
    }

    @Test
    void aStandardizedLinearRegressionIsScoredLinearlyAsTribuoDoes() {
        Model<Regressor> model = ScoringModels.transformedRegressor();
        CompiledModel compiled = CompiledModel.compile(model);

        assertThat(compiled.method()).isEqualTo("transformed-linear");
        for (Object[] row : ROWS) {
            double want = model.predict(new ArrayExample<>(RegressionFactory.UNKNOWN_REGRESSOR, ScoringModels.SCHEMA.encode(row)))
                    .getOutput().getValues()[0];
            double value = ((Score.Regression) compiled.score(row)).value();

            assertThat(value).isCloseTo(want, within(1e-9 * Math.max(1, Math.abs(want))));
        }
    }

    @Test
    void aLinearModelBehindANonLinearTransformIsScoredThroughTribuo() {
        Model<Label> model = ScoringModels.transformedClassifier(true);
        CompiledModel compiled = CompiledModel.compile(model);

        assertThat(compiled.method()).isEqualTo("tribuo");
        Object[] row = ROWS.get(0);
        Prediction<Label> expected = model.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, ScoringModels.SCHEMA.encode(row)));
        assertThat(((Score.Classification) compiled.score(row)).label()).isEqualTo(expected.getOutput().getLabel());
    }

    @Test
    void closingReleasesTheNativeScorerAndIsHarmlessElsewhere() {
        CompiledModel linear = CompiledModel.compile(ScoringModels.classifier(Kind.LOGISTIC_REGRESSION));
        linear.close();
        linear.close();
        assertThat(linear.score(ROWS.get(0))).isInstanceOf(Score.Classification.class);

        Model<Label> xgboost = ScoringModels.classifier(Kind.XGBOOST);
        var boosters = ((org.tribuo.common.xgboost.XGBoostModel<Label>) xgboost).getInnerModels();
        XGBoostNative nativeScorer = new XGBoostNative(boosters, new RowEncoder(InputSchema.of(xgboost), xgboost.getFeatureIDMap()),
                Outputs.of(xgboost));
        assertThat(nativeScorer.score(ROWS.get(0))).isInstanceOf(Score.Classification.class);
        nativeScorer.close();
        nativeScorer.close();
        CompiledModel compiled = CompiledModel.compile(xgboost);
        compiled.close();
        compiled.close();
    }

    @Test
    void theNativeXGBoostPathAgreesToo() throws Exception {
        Model<Label> model = ScoringModels.classifier(Kind.XGBOOST);
        var xgboost = (org.tribuo.common.xgboost.XGBoostModel<Label>) model;
        InputSchema schema = InputSchema.of(model);
        Outputs outputs = Outputs.of(model);
        XGBoostNative nativeScorer = new XGBoostNative(xgboost.getInnerModels(), new RowEncoder(schema, model.getFeatureIDMap()), outputs);
        CompiledModel compiled = CompiledModel.compile(model);

        for (Object[] row : ROWS.subList(0, 50)) {
            assertThat(CompiledModel.agree(nativeScorer.score(row), compiled.score(row))).isTrue();
        }
    }

    @Test
    void aFrozenModelStillPredictsWhatItDidWhenItWasWritten() throws Exception {
        Model<?> model;
        try (InputStream bytes = CompiledModelTest.class.getResourceAsStream("/models/" + ScoringModels.GOLDEN)) {
            model = TribuoModels.read(bytes);
        }
        CompiledModel compiled = CompiledModel.compile(model);

        assertThat(compiled.schema()).isEqualTo(ScoringModels.SCHEMA);
        assertThat(compiled.method()).isEqualTo("linear-softmax");
        Score.Classification score = (Score.Classification) compiled.score(new Object[] { 25.0, 7500.0, "basic", 2.0, "west" });
        assertThat(score.label()).isEqualTo(GOLDEN_LABEL);
        for (int i = 0; i < GOLDEN_SCORES.length; i++) {
            assertThat(score.scores()[i]).isCloseTo(GOLDEN_SCORES[i], within(Math.abs(GOLDEN_SCORES[i]) * 1e-9));
        }
    }

    /** What the frozen model answered when it was written (Tribuo 4.3.2), scores by sorted class name. */
    private static final String GOLDEN_LABEL = "upgrade";
    private static final double[] GOLDEN_SCORES = { 1.3913676742424167E-8, 8.914015828265228E-47, 0.9999999860863233 };

    @Test
    void warmUpScoresSyntheticRowsOfEveryColumnKind() {
        CompiledModel compiled = CompiledModel.compile(ScoringModels.classifier(Kind.XGBOOST));

        compiled.warmUp(500);

        assertThat(CompiledModel.syntheticRows(compiled.schema(), 10, 1)).allSatisfy(row -> {
            assertThat(row[0]).isInstanceOf(Double.class);
            assertThat(row[2]).isInstanceOf(String.class);
        });
    }

    @Test
    void aModelWithoutASchemaReadsItsFeaturesAsNumbers() {
        Model<Label> wide = ScoringModels.wideLogistic(4);
        CompiledModel compiled = CompiledModel.compile(wide, new InputSchema(List.of(
                InputSchema.Column.number("f0", null), InputSchema.Column.number("f1", null),
                InputSchema.Column.number("f2", null), InputSchema.Column.number("f3", null))));

        Prediction<Label> expected = wide.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL,
                new String[] { "f0", "f1", "f2", "f3" }, new double[] { 0.5, -1, 2, 0 }));
        Score.Classification actual = (Score.Classification) compiled.score(new Object[] { 0.5, -1.0, 2.0, 0.0 });
        assertThat(actual.label()).isEqualTo(expected.getOutput().getLabel());
    }
}
