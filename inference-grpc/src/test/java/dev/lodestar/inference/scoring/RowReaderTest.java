package dev.lodestar.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lodestar.inference.v1.FeatureValue;

/** Rows by name into schema order, and every way a row is refused. */
class RowReaderTest {

    private final RowReader reader = new RowReader(ScoringModels.SCHEMA);

    @Test
    void aCompleteRowIsReadInColumnOrder() {
        assertThat(reader.read(valid())).containsExactly(30.0, 4200.0, "pro", 1.0, "north");
    }

    @Test
    void aMissingFeatureIsNamed() {
        Map<String, FeatureValue> row = valid();
        row.remove("income");

        assertRefused(row, "income", "feature 'income' is missing");
    }

    @Test
    void numbersAndTextAreNotInterchangeable() {
        Map<String, FeatureValue> textForNumber = valid();
        textForNumber.put("age", text("thirty"));
        assertRefused(textForNumber, "age", "feature 'age' must be a number, not text");

        Map<String, FeatureValue> numberForText = valid();
        numberForText.put("plan", number(2));
        assertRefused(numberForText, "plan", "feature 'plan' must be text, not a number");

        Map<String, FeatureValue> empty = valid();
        empty.put("calls", FeatureValue.getDefaultInstance());
        assertRefused(empty, "calls", "feature 'calls' has no value");
    }

    @Test
    void numbersMustBeFinite() {
        Map<String, FeatureValue> nan = valid();
        nan.put("age", number(Double.NaN));
        assertRefused(nan, "age", "feature 'age' must be a finite number, not NaN");

        Map<String, FeatureValue> infinite = valid();
        infinite.put("income", number(Double.NEGATIVE_INFINITY));
        assertRefused(infinite, "income", "feature 'income' must be a finite number, not -Infinity");
    }

    @Test
    void unknownFeaturesAreRefusedByName() {
        Map<String, FeatureValue> row = valid();
        row.put("agee", number(3));
        row.put("zone", text("x"));

        assertRefused(row, "agee", "unknown features 'agee', 'zone'");
    }

    @Test
    void aMisspeltFeatureIsReportedAsMissing() {
        Map<String, FeatureValue> row = valid();
        row.put("agee", row.remove("age"));

        assertRefused(row, "age", "feature 'age' is missing");
    }

    private void assertRefused(Map<String, FeatureValue> row, String feature, String message) {
        assertThatThrownBy(() -> reader.read(row)).isInstanceOfSatisfying(InvalidFeatureException.class, e -> {
            assertThat(e.feature()).isEqualTo(feature);
            assertThat(e.getMessage()).startsWith(message);
        });
    }

    private static Map<String, FeatureValue> valid() {
        Map<String, FeatureValue> row = new HashMap<>();
        row.put("region", text("north"));
        row.put("calls", number(1));
        row.put("plan", text("pro"));
        row.put("income", number(4200));
        row.put("age", number(30));
        return row;
    }

    private static FeatureValue number(double value) {
        return FeatureValue.newBuilder().setNumber(value).build();
    }

    private static FeatureValue text(String value) {
        return FeatureValue.newBuilder().setText(value).build();
    }
}
