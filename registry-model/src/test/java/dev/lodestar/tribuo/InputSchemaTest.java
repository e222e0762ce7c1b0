package dev.lodestar.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import dev.lodestar.tribuo.InputSchema.Column;
import dev.lodestar.tribuo.InputSchema.ColumnType;

/** The input schema: its JSON, its encoding into Tribuo features, and its journey inside a model's protobuf bytes. */
class InputSchemaTest {

    private static final InputSchema SCHEMA = new InputSchema(List.of(
            Column.number("age", 41.2),
            Column.text("plan", List.of("pro", "basic")),
            Column.number("calls", null)));

    @Test
    void jsonHasTheContractShapeAndRoundTrips() {
        String json = SCHEMA.toJson();

        assertThat(json).isEqualTo("{\"columns\":[{\"name\":\"age\",\"type\":\"NUMBER\",\"fill\":41.2},"
                + "{\"name\":\"plan\",\"type\":\"TEXT\",\"categories\":[\"basic\",\"pro\"]},"
                + "{\"name\":\"calls\",\"type\":\"NUMBER\"}]}");
        assertThat(InputSchema.fromJson(json)).isEqualTo(SCHEMA);
    }

    @Test
    void invalidSchemasAreRefused() {
        assertThatThrownBy(() -> InputSchema.fromJson("{\"columns\":[{\"name\":\"a\",\"type\":\"DATE\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown type DATE");
        assertThatThrownBy(() -> InputSchema.fromJson("[1,2]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InputSchema.fromJson("not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InputSchema(List.of(Column.number("a", null), Column.text("a", List.of()))))
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> new Column("a", ColumnType.NUMBER, List.of("x"), null)).hasMessageContaining("categories");
        assertThatThrownBy(() -> new Column("a", ColumnType.TEXT, List.of("x"), 1.0)).hasMessageContaining("fill");
    }

    @Test
    void rowsEncodeAsNumbersAndOneHotCategories() {
        assertThat(InputSchema.featureName("plan", "pro")).isEqualTo("plan@pro");
        assertThat(SCHEMA.encode(new Object[] { 30.0, "pro", 2.0 }))
                .containsExactly(new Feature("age", 30.0), new Feature("plan@pro", 1.0), new Feature("calls", 2.0));
        assertThat(SCHEMA.encode(new Object[] { null, null, 0.0 }))
                .containsExactly(new Feature("age", 41.2), new Feature("calls", 0.0));
        assertThatThrownBy(() -> SCHEMA.encode(new Object[] { 1.0, "pro", null })).hasMessageContaining("'calls' is missing");
        assertThatThrownBy(() -> SCHEMA.encode(new Object[] { "x", "pro", 1.0 })).hasMessageContaining("'age' is a NUMBER");
    }

    @Test
    void theSchemaTravelsInsideTheModelsProtobufBytes() throws Exception {
        Model<Label> trained = trainWith(SCHEMA);

        Model<?> read = TribuoModels.read(new ByteArrayInputStream(SmallModels.bytesOf(trained)));

        assertThat(InputSchema.of(read)).isEqualTo(SCHEMA);
        assertThat(read.getFeatureIDMap().get("plan@pro")).isNotNull();
        assertThat(TribuoModels.describe(read).signature()).containsExactly(
                new TribuoModels.Feature("age", "NUMBER", List.of()),
                new TribuoModels.Feature("plan", "TEXT", List.of("basic", "pro")),
                new TribuoModels.Feature("calls", "NUMBER", List.of()));
    }

    @Test
    void aModelTrainedElsewhereHasItsFeaturesAsNumberColumns() {
        InputSchema schema = InputSchema.of(SmallModels.churnClassifier());

        assertThat(schema.names()).containsExactly("monthly_charges", "support_calls", "tenure_months");
        assertThat(schema.columns()).extracting(Column::type).containsOnly(ColumnType.NUMBER);
    }

    private static Model<Label> trainWith(InputSchema schema) {
        LabelFactory labels = new LabelFactory();
        List<Example<Label>> examples = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            double age = random.nextDouble(18, 80);
            String plan = random.nextBoolean() ? "pro" : "basic";
            double calls = random.nextInt(0, 6);
            boolean churn = calls > 3 || ("basic".equals(plan) && age < 30);
            examples.add(new ArrayExample<>(new Label(churn ? "churn" : "stay"),
                    schema.encode(new Object[] { age, plan, calls })));
        }
        var source = new ListDataSource<>(examples, labels, new SimpleDataSourceProvenance("schema-sample", labels));
        return new LogisticRegressionTrainer().train(new MutableDataset<>(source), schema.asProvenance());
    }
}
