package dev.lodestar.drift.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.drift.sketch.ColumnKind;
import dev.lodestar.drift.sketch.Profile;
import dev.lodestar.drift.sketch.ProfileBuilder;
import dev.lodestar.drift.sketch.ProfileColumn;

class DriftCalculatorTest {

    private static Profile numbers(String name, double... values) {
        ProfileBuilder builder = new ProfileBuilder(List.of(new ProfileColumn(name, ColumnKind.NUMBER)));
        builder.numbers(0, values, 0, values.length);
        builder.endRows(values.length);
        return builder.build();
    }

    private static Profile texts(String name, String... values) {
        ProfileBuilder builder = new ProfileBuilder(List.of(new ProfileColumn(name, ColumnKind.TEXT)));
        builder.texts(0, values, 0, values.length);
        builder.endRows(values.length);
        return builder.build();
    }

    /** {@code counts[i]} copies of {@code labels[i]}. */
    private static String[] repeat(String[] labels, int... counts) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            for (int k = 0; k < counts[i]; k++) {
                values.add(labels[i]);
            }
        }
        return values.toArray(String[]::new);
    }

    private static double[] gaussian(long seed, int n, double mean, double sd) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = mean + sd * random.nextGaussian();
        }
        return values;
    }

    @Test
    void smallTextReferencesGetChiSquaredOnReferenceShares() {
        // scipy.stats.chisquare([16, 18, 16, 14, 12, 12], f_exp=[16, 16, 16, 16, 16, 8]) -> 3.5, 0.62338762774958223:
        // a reference of the same size with those counts makes them the expected counts (Evidently's chi-squared).
        String[] labels = {"a", "b", "c", "d", "e", "f"};
        Profile reference = texts("plan", repeat(labels, 16, 16, 16, 16, 16, 8));
        Profile current = texts("plan", repeat(labels, 16, 18, 16, 14, 12, 12));

        FeatureComparison plan = DriftCalculator.compare(reference, current, DriftSettings.DEFAULTS).feature("plan");

        assertThat(plan.test()).isEqualTo(DriftTest.CHI_SQUARED);
        assertThat(plan.statistic()).isCloseTo(3.5, within(1e-12));
        assertThat(plan.pValue()).isCloseTo(0.62338762774958223, within(1e-12));
        assertThat(plan.threshold()).isEqualTo(0.05);
        assertThat(plan.drifted()).isFalse();
        assertThat(plan.histogram().bins()).containsExactlyInAnyOrder(labels);
    }

    @Test
    void smallBinaryReferencesGetTheZTest() {
        // statsmodels proportions_ztest docs: 5 of 83 against 12 of 99 -> p-value 0.159.
        double[] reference = new double[83];
        double[] current = new double[99];
        Arrays.fill(reference, 0, 5, 1.0);
        Arrays.fill(current, 0, 12, 1.0);

        FeatureComparison flag = DriftCalculator.compare(numbers("flag", reference), numbers("flag", current),
                DriftSettings.DEFAULTS).feature("flag");

        assertThat(flag.test()).isEqualTo(DriftTest.Z_TEST);
        assertThat(flag.pValue()).isCloseTo(0.159, within(0.0005));
        assertThat(flag.drifted()).isFalse();
        assertThat(flag.histogram().bins()).containsExactly("0", "1");
        assertThat(flag.histogram().reference()[1]).isCloseTo(5.0 / 83, within(1e-12));
    }

    @Test
    void smallNumericReferencesGetKs() {
        // scipy.stats.ks_2samp([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]) -> 1.0, 2 / C(12, 6) = 0.0021645...
        FeatureComparison x = DriftCalculator.compare(numbers("x", 1, 2, 3, 4, 5, 6), numbers("x", 7, 8, 9, 10, 11, 12),
                DriftSettings.DEFAULTS).feature("x");

        assertThat(x.test()).isEqualTo(DriftTest.KS);
        assertThat(x.statistic()).isEqualTo(1.0);
        assertThat(x.pValue()).isCloseTo(2.0 / 924, within(1e-15));
        assertThat(x.drifted()).isTrue();
    }

    @Test
    void largeReferencesGetNormalisedWassersteinFromSketches() {
        // Two normal samples one fifth of a standard deviation apart: W1 = 0.2 sd, so the normalised distance is 0.2.
        // KLL compacts at random, so the distance read from two sketches varies from build to build: over 300 builds
        // the same-distribution distance had median 0.017 and maximum 0.048, the shifted one ranged 0.170 to 0.247.
        Profile reference = numbers("x", gaussian(1, 200_000, 10, 3));
        Profile same = numbers("x", gaussian(2, 100_000, 10, 3));
        Profile shifted = numbers("x", gaussian(3, 100_000, 10.6, 3));

        FeatureComparison quiet = DriftCalculator.compare(reference, same, DriftSettings.DEFAULTS).feature("x");
        FeatureComparison moved = DriftCalculator.compare(reference, shifted, DriftSettings.DEFAULTS).feature("x");

        assertThat(quiet.test()).isEqualTo(DriftTest.WASSERSTEIN);
        assertThat(quiet.statistic()).isLessThan(0.06);
        assertThat(quiet.drifted()).isFalse();
        assertThat(quiet.psi()).isLessThan(0.01);
        assertThat(moved.statistic()).isCloseTo(0.2, within(0.06));
        assertThat(moved.pValue()).isNull();
        assertThat(moved.drifted()).isTrue();
        assertThat(moved.psi()).isGreaterThan(quiet.psi());
        assertThat(moved.histogram().bins()).hasSizeLessThanOrEqualTo(20).first().asString().startsWith("[");
        assertThat(Arrays.stream(moved.histogram().current()).sum()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void largeCategoricalReferencesGetJensenShannon() {
        // scipy jensenshannon([1.0, 0.0], [0.5, 0.5]) -> 0.46450140402245893 (natural log).
        Profile reference = texts("plan", repeat(new String[] {"basic", "pro"}, 2000, 0));
        Profile current = texts("plan", repeat(new String[] {"basic", "pro"}, 1000, 1000));

        FeatureComparison plan = DriftCalculator.compare(reference, current, DriftSettings.DEFAULTS).feature("plan");

        assertThat(plan.test()).isEqualTo(DriftTest.JENSEN_SHANNON);
        assertThat(plan.statistic()).isCloseTo(0.46450140402245893, within(1e-12));
        assertThat(plan.drifted()).isTrue();
        assertThat(plan.threshold()).isEqualTo(0.1);
    }

    @Test
    void psiIsAlwaysReported() {
        // Shares 1/2, 1/2 against 9/10, 1/10: PSI = KL both ways, from scipy's entropy docs (see DriftStatisticsTest).
        Profile reference = texts("coin", repeat(new String[] {"h", "t"}, 500, 500));
        Profile current = texts("coin", repeat(new String[] {"h", "t"}, 900, 100));

        FeatureComparison coin = DriftCalculator.compare(reference, current, DriftSettings.DEFAULTS).feature("coin");

        assertThat(coin.test()).isEqualTo(DriftTest.Z_TEST);
        assertThat(coin.psi()).isCloseTo((0.7369655941662062 + 1 - 0.46899559358928117) * Math.log(2), within(1e-12));
    }

    @Test
    void overridesReplaceTheTestAndThreshold() {
        // scipy wasserstein_distance([0, 1, 3], [5, 6, 8]) -> 5.0; numpy.std([0, 1, 3]) = sqrt(14/9).
        DriftSettings settings = DriftSettings.DEFAULTS
                .withOverride("x", new DriftSettings.FeatureOverride(DriftTest.WASSERSTEIN, 5.0));

        FeatureComparison x = DriftCalculator.compare(numbers("x", 0, 1, 3), numbers("x", 5, 6, 8), settings).feature("x");

        assertThat(x.test()).isEqualTo(DriftTest.WASSERSTEIN);
        assertThat(x.statistic()).isCloseTo(5.0 / Math.sqrt(14.0 / 9), within(1e-12));
        assertThat(x.threshold()).isEqualTo(5.0);
        assertThat(x.drifted()).isFalse();

        DriftSettings psi = DriftSettings.DEFAULTS.withOverride("x", new DriftSettings.FeatureOverride(DriftTest.PSI, null));
        FeatureComparison byPsi = DriftCalculator.compare(numbers("x", 0, 1, 3), numbers("x", 5, 6, 8), psi).feature("x");
        assertThat(byPsi.statistic()).isEqualTo(byPsi.psi());
        assertThat(byPsi.threshold()).isEqualTo(0.1);
        assertThat(byPsi.drifted()).isTrue();

        assertThatThrownBy(() -> DriftCalculator.compare(texts("t", "a"), texts("t", "b"),
                DriftSettings.DEFAULTS.withOverride("t", new DriftSettings.FeatureOverride(DriftTest.KS, null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t");
    }

    @Test
    void theDatasetDriftsWhenHalfTheFeaturesDo() {
        List<ProfileColumn> columns = List.of(new ProfileColumn("a", ColumnKind.NUMBER),
                new ProfileColumn("b", ColumnKind.NUMBER), new ProfileColumn("c", ColumnKind.TEXT),
                new ProfileColumn("d", ColumnKind.TEXT));
        Profile reference = table(columns, 1, 0.0, "x");
        Profile oneShifted = table(columns, 2, 5.0, "x");
        Profile twoShifted = table(columns, 3, 5.0, "y");

        DriftComparison one = DriftCalculator.compare(reference, oneShifted, DriftSettings.DEFAULTS);
        DriftComparison two = DriftCalculator.compare(reference, twoShifted, DriftSettings.DEFAULTS);

        assertThat(one.features()).extracting(FeatureComparison::feature).containsExactly("a", "b", "c", "d");
        assertThat(one.features()).extracting(FeatureComparison::drifted).containsExactly(true, false, false, false);
        assertThat(one.driftShare()).isEqualTo(0.25);
        assertThat(one.datasetDrift()).isFalse();
        assertThat(two.driftShare()).isEqualTo(0.5);
        assertThat(two.datasetDrift()).isTrue();
        assertThat(two.referenceRows()).isEqualTo(5000);
        assertThat(two.currentRows()).isEqualTo(5000);
    }

    /** 5,000 rows: a ~ N(shiftA, 1), b ~ N(0, 1), c from {x, y, z} with c's most common value {@code heavy}, d fixed. */
    private static Profile table(List<ProfileColumn> columns, long seed, double shiftA, String heavy) {
        SplittableRandom random = new SplittableRandom(seed);
        ProfileBuilder builder = new ProfileBuilder(columns);
        for (int i = 0; i < 5000; i++) {
            builder.number(0, shiftA + random.nextGaussian());
            builder.number(1, random.nextGaussian());
            builder.text(2, random.nextInt(10) < 6 ? heavy : random.nextBoolean() ? "z" : heavy.equals("x") ? "y" : "x");
            builder.text(3, "same");
            builder.endRow();
        }
        return builder.build();
    }

    @Test
    void featuresWithoutCurrentValuesAreNotDrifted() {
        Profile reference = numbers("x", gaussian(4, 2000, 0, 1));
        ProfileBuilder builder = new ProfileBuilder(List.of(new ProfileColumn("x", ColumnKind.NUMBER)));
        builder.missing(0);
        builder.endRow();

        for (Profile current : List.of(builder.build(), Profile.empty(List.of()), Profile.empty(reference.columns()))) {
            DriftComparison comparison = DriftCalculator.compare(reference, current, DriftSettings.DEFAULTS);
            FeatureComparison x = comparison.feature("x");

            assertThat(x.test()).isEqualTo(DriftTest.WASSERSTEIN);
            assertThat(x.statistic()).isZero();
            assertThat(x.pValue()).isNull();
            assertThat(x.drifted()).isFalse();
            assertThat(x.psi()).isZero();
            assertThat(comparison.datasetDrift()).isFalse();
            assertThat(x.histogram().current()).containsOnly(0.0);
            assertThat(Arrays.stream(x.histogram().reference()).sum()).isCloseTo(1.0, within(1e-9));
        }
    }

    @Test
    void kindsMustAgree() {
        assertThatThrownBy(() -> DriftCalculator.compare(numbers("x", 1), texts("x", "1"), DriftSettings.DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x");
    }

    @Test
    void textBeyondTheExactLimitPoolsUnlistedValues() {
        SplittableRandom random = new SplittableRandom(8);
        String[] reference = new String[20_000];
        String[] current = new String[20_000];
        for (int i = 0; i < reference.length; i++) {
            reference[i] = i % 2 == 0 ? "common" : "rare-" + random.nextInt(50_000);
            current[i] = i % 2 == 0 ? "common" : "rare-" + random.nextInt(50_000);
        }

        FeatureComparison f = DriftCalculator.compare(texts("f", reference), texts("f", current), DriftSettings.DEFAULTS)
                .feature("f");

        assertThat(f.test()).isEqualTo(DriftTest.JENSEN_SHANNON);
        assertThat(f.drifted()).isFalse();
        assertThat(f.histogram().bins()).contains("common", DriftCalculator.OTHER);
        assertThat(f.histogram().bins().size()).isLessThanOrEqualTo(21);
    }

    @Test
    void settingsRoundTripThroughJsonAndFillDefaults() throws Exception {
        ObjectMapper json = new ObjectMapper();
        DriftSettings settings = DriftSettings.DEFAULTS.withOverride("age",
                new DriftSettings.FeatureOverride(DriftTest.PSI, 0.2));

        DriftSettings back = json.readValue(json.writeValueAsString(settings), DriftSettings.class);
        DriftSettings partial = json.readValue("{\"pValue\": 0.01, \"overrides\": {\"x\": {\"test\": \"KS\"}}}",
                DriftSettings.class);

        assertThat(back).isEqualTo(settings);
        assertThat(partial.pValue()).isEqualTo(0.01);
        assertThat(partial.wassersteinThreshold()).isEqualTo(0.1);
        assertThat(partial.smallSampleRows()).isEqualTo(1000L);
        assertThat(partial.overrides()).containsExactly(Map.entry("x", new DriftSettings.FeatureOverride(DriftTest.KS, null)));
        assertThatThrownBy(() -> new DriftSettings(null, null, 1.5, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pValue");
    }
}
