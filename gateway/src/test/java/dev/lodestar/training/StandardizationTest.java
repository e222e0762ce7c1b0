package dev.lodestar.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.TransformedModel;

import dev.lodestar.experiments.ParamInput;
import dev.lodestar.tribuo.InputSchema;
import dev.lodestar.tribuo.TribuoModels;

/**
 * The linear trainers standardize NUMBER columns inside the model: the model carries the transform through its
 * protobuf bytes and its input schema, its class scores are not saturated, and trees are left alone.
 */
class StandardizationTest {

    private static final FeatureEncoder.Table CHURN = table(SyntheticChurn.csv(600, 7, 0));

    @Test
    void onlyTheLinearTrainersOfferStandardizeOnByDefaultForClassification() {
        assertThat(TrainerCatalog.params(TrainerKind.LOGISTIC_REGRESSION, Task.CLASSIFICATION)).containsKey("standardize");
        assertThat(TrainerCatalog.params(TrainerKind.LINEAR_SGD, Task.REGRESSION)).containsKey("standardize");
        for (TrainerKind trees : List.of(TrainerKind.CART, TrainerKind.RANDOM_FOREST, TrainerKind.XGBOOST)) {
            assertThat(TrainerCatalog.params(trees, Task.CLASSIFICATION)).doesNotContainKey("standardize");
        }
        assertThat(TrainerCatalog.check(TrainerKind.LOGISTIC_REGRESSION, Task.CLASSIFICATION, List.of(), 1))
                .containsEntry("standardize", "true");
        assertThat(TrainerCatalog.check(TrainerKind.LINEAR_SGD, Task.CLASSIFICATION, List.of(), 1)).containsEntry("standardize", "true");
        assertThat(TrainerCatalog.check(TrainerKind.LINEAR_SGD, Task.REGRESSION, List.of(), 1)).containsEntry("standardize", "false");
        assertThat(TrainerCatalog.check(TrainerKind.LINEAR_SGD, Task.CLASSIFICATION, List.of(new ParamInput("standardize", "false")), 1))
                .containsEntry("standardize", "false");
    }

    @Test
    void aStandardizedLogisticModelKeepsItsTransformAndSchemaThroughItsBytesAndGivesUnsaturatedScores() throws Exception {
        Map<String, String> params = TrainerCatalog.check(TrainerKind.LOGISTIC_REGRESSION, Task.CLASSIFICATION, List.of(), 1);
        var data = FeatureEncoder.forClassification(CHURN, "churned", false, 0.2, 1, "churn");
        Model<Label> trained = TrainerCatalog.standardized(TrainerCatalog.classifier(TrainerKind.LOGISTIC_REGRESSION, params),
                params, data.schema(), data.training()).train(data.training(), data.schema().asProvenance());

        Model<?> read = TribuoModels.read(new ByteArrayInputStream(trained.serialize().toByteArray()));

        assertThat(read).isInstanceOf(TransformedModel.class);
        assertThat(InputSchema.of(read)).isEqualTo(data.schema());
        assertThat(((TransformedModel<?>) read).getTransformerMap().size()).isEqualTo(4);
        @SuppressWarnings("unchecked")
        Model<Label> model = (Model<Label>) read;
        int unsaturated = 0;
        for (Example<Label> example : data.holdout()) {
            Prediction<Label> before = trained.predict(example);
            Prediction<Label> after = model.predict(example);
            double p = after.getOutputScores().get("1").getScore();
            assertThat(p).isCloseTo(before.getOutputScores().get("1").getScore(), within(1e-12));
            if (p > 0.05 && p < 0.95) {
                unsaturated++;
            }
        }
        assertThat(unsaturated).as("holdout rows scored between 0.05 and 0.95").isGreaterThan(data.holdout().size() / 10);
        assertThat(Evaluation.classification(model, data.holdout()).get("accuracy")).isGreaterThan(0.85);
    }

    @Test
    void aConstantColumnIsOnlyCentredAndRegressionIsStandardizedToo() {
        List<Object[]> rows = new ArrayList<>();
        for (Object[] row : CHURN.rows()) {
            Object[] copy = Arrays.copyOf(row, row.length + 1);
            copy[row.length] = 3.0;
            rows.add(copy);
        }
        List<String> names = new ArrayList<>(CHURN.names());
        names.add("constant");
        List<Boolean> numeric = new ArrayList<>(CHURN.numeric());
        numeric.add(true);
        var data = FeatureEncoder.forRegression(new FeatureEncoder.Table(names, numeric, rows, CHURN.lines()), "lifetime_value",
                false, 0.2, 1, "constant");
        Map<String, String> params = TrainerCatalog.check(TrainerKind.LINEAR_SGD, Task.REGRESSION,
                List.of(new ParamInput("standardize", "true"), new ParamInput("learningRate", "100"), new ParamInput("epochs", "20")), 1);

        var trainer = TrainerCatalog.standardized(TrainerCatalog.regressor(TrainerKind.LINEAR_SGD, params), params, data.schema(),
                data.training());
        Model<Regressor> model = trainer.train(data.training());

        assertThat(trainer).isInstanceOf(TransformTrainer.class);
        TransformedModel<Regressor> transformed = (TransformedModel<Regressor>) model;
        assertThat(transformed.getTransformerMap().get("constant").get(0).transform(3.0)).isEqualTo(0.0);
        assertThat(Evaluation.regression(model, data.holdout()).get("r2")).isGreaterThan(0.99);
    }

    @Test
    void treesAndUnstandardizedLinearModelsAreTrainedAsTheyWere() {
        var data = FeatureEncoder.forClassification(CHURN, "churned", false, 0.2, 1, "churn");
        Map<String, String> cart = TrainerCatalog.check(TrainerKind.CART, Task.CLASSIFICATION, List.of(), 1);
        Map<String, String> raw = TrainerCatalog.check(TrainerKind.LOGISTIC_REGRESSION, Task.CLASSIFICATION,
                List.of(new ParamInput("standardize", "false")), 1);

        assertThat(TrainerCatalog.standardized(TrainerCatalog.classifier(TrainerKind.CART, cart), cart, data.schema(), data.training()))
                .isNotInstanceOf(TransformTrainer.class);
        assertThat(TrainerCatalog.standardized(TrainerCatalog.classifier(TrainerKind.LOGISTIC_REGRESSION, raw), raw, data.schema(),
                data.training())).isNotInstanceOf(TransformTrainer.class);
    }

    /** CSV text with a header, plan and region TEXT, every other column a NUMBER. */
    static FeatureEncoder.Table table(String csv) {
        String[] lines = csv.split("\n");
        List<String> names = List.of(lines[0].split(","));
        List<Boolean> numeric = names.stream().map(n -> !n.equals("plan") && !n.equals("region")).toList();
        List<Object[]> rows = new ArrayList<>();
        long[] numbers = new long[lines.length - 1];
        for (int r = 1; r < lines.length; r++) {
            String[] cells = lines[r].split(",", -1);
            Object[] row = new Object[cells.length];
            for (int i = 0; i < cells.length; i++) {
                row[i] = cells[i].isEmpty() ? null : numeric.get(i) ? (Object) Double.valueOf(cells[i]) : cells[i];
            }
            rows.add(row);
            numbers[r - 1] = r + 1;
        }
        return new FeatureEncoder.Table(names, numeric, rows, numbers);
    }
}
