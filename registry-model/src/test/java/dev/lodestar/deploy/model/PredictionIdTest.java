package dev.lodestar.deploy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class PredictionIdTest {

    private static final Instant AT = Instant.parse("2026-11-23T09:30:15Z");

    @Test
    void aClassAnswerReadsBackFromItsText() {
        PredictionId id = new PredictionId("churn", 3, AT, new PredictionId.Label("1"), "lq3k9x2a-7f3k-1b");

        assertThat(id.toString()).isEqualTo("churn.3." + Long.toString(AT.getEpochSecond(), 36) + ".c1.lq3k9x2a-7f3k-1b");
        assertThat(PredictionId.parse(id.toString())).isEqualTo(id);
    }

    @Test
    void labelsOutsideTheAlphabetAreEscapedAndComeBackUnchanged() {
        String label = "churned. ja/nein ~ é";
        PredictionId id = new PredictionId("churn", 12, AT, new PredictionId.Label(label), "a-1");

        assertThat(id.toString()).doesNotContain(" ").matches("[a-z0-9.~A-Za-z_-]+");
        assertThat(((PredictionId.Label) PredictionId.parse(id.toString()).answer()).label()).isEqualTo(label);
    }

    @Test
    void aRegressionValueKeepsEveryBit() {
        for (double value : new double[] {-1234.5678901234, 0.1, Double.MIN_VALUE, -0.0}) {
            PredictionId id = new PredictionId("price-model", 1, AT, new PredictionId.Value(value), "x");

            assertThat(((PredictionId.Value) PredictionId.parse(id.toString()).answer()).value()).isEqualTo(value);
        }
    }

    @Test
    void theHeadAndSecondPartsBuildTheSameText() {
        PredictionId id = new PredictionId("churn", 3, AT, new PredictionId.Unrecorded(), "k-9");

        assertThat(PredictionId.head("churn", 3) + PredictionId.second(AT.getEpochSecond()) + "n.k-9").isEqualTo(id.toString());
    }

    @Test
    void textThatIsNotAnIdIsRefusedWithTheReason() {
        assertThatThrownBy(() -> PredictionId.parse("lq3k9x2a-7f3k-1b")).hasMessageContaining("expected deployment.version");
        assertThatThrownBy(() -> PredictionId.parse("churn.x.t4c9k2.c1.a")).hasMessageContaining("version is not a number");
        assertThatThrownBy(() -> PredictionId.parse("churn.0.t4c9k2.c1.a")).hasMessageContaining("version must be positive");
        assertThatThrownBy(() -> PredictionId.parse("Churn.1.t4c9k2.c1.a")).hasMessageContaining("not a deployment name");
        assertThatThrownBy(() -> PredictionId.parse("churn.1.t4c9k2.c~4.a")).hasMessageContaining("cut escape");
        assertThatThrownBy(() -> PredictionId.parse("churn.1.t4c9k2.x1.a")).hasMessageContaining("must start with c, r");
        assertThatThrownBy(() -> PredictionId.parse("churn.1.t4c9k2.c1.A_B")).hasMessageContaining("unique part");
        assertThatThrownBy(() -> PredictionId.parse("churn.1.t4c9k2.c1.a".repeat(40))).hasMessageContaining("512");
        assertThatThrownBy(() -> PredictionId.parse("churn.1.zzzzzzzzzzzzz.c1.a")).hasMessageContaining("second in base 36");
        assertThatThrownBy(() -> PredictionId.parse("churn.1.zzzzzzzz.c1.a")).hasMessageContaining("year 9999");
    }

    @Test
    void outcomesAreCheckedAgainstTheAnswerTheirIdCarries() {
        String regression = new PredictionId("price", 1, AT, new PredictionId.Value(2.5), "x").toString();
        String label = new PredictionId("churn", 1, AT, new PredictionId.Label("yes"), "x").toString();

        assertThat(Outcome.of(regression, " 3.25 ").actual()).isEqualTo("3.25");
        assertThat(Outcome.of(label, "no").actual()).isEqualTo("no");
        assertThatThrownBy(() -> Outcome.of(regression, "three")).hasMessageContaining("decimal number");
        assertThatThrownBy(() -> Outcome.of(regression, "NaN")).hasMessageContaining("decimal number");
        assertThatThrownBy(() -> Outcome.of(label, "  ")).hasMessageContaining("required");
        assertThatThrownBy(() -> Outcome.of(label, "x".repeat(1001))).hasMessageContaining("at most 1000");
        assertThatThrownBy(() -> Outcome.of("nope", "1")).hasMessageContaining("not a prediction id");
    }
}
