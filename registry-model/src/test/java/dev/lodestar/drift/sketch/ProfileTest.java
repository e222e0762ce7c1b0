package dev.lodestar.drift.sketch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ProfileTest {

    private static final List<ProfileColumn> COLUMNS = List.of(
            new ProfileColumn("age", ColumnKind.NUMBER), new ProfileColumn("plan", ColumnKind.TEXT));

    private static Profile ofRows(double[] ages, String[] plans) {
        ProfileBuilder builder = new ProfileBuilder(COLUMNS);
        for (int i = 0; i < ages.length; i++) {
            builder.number(0, ages[i]);
            builder.text(1, plans[i]);
            builder.endRow();
        }
        return builder.build();
    }

    @Test
    void numbersHaveExactCountsMomentsAndOrderStatistics() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population standard deviation 2 (the classic worked example).
        Profile profile = ofRows(new double[] {2, 4, 4, 4, 5, 5, 7, 9, Double.NaN},
                new String[] {"a", "b", "a", null, "a", "c", "b", "a", "a"});
        ColumnProfile age = profile.column("age");

        assertThat(profile.rows()).isEqualTo(9);
        assertThat(age.count()).isEqualTo(8);
        assertThat(age.missing()).isEqualTo(1);
        assertThat(age.mean()).isEqualTo(5.0);
        assertThat(age.stddev()).isEqualTo(2.0);
        assertThat(age.min()).isEqualTo(2.0);
        assertThat(age.max()).isEqualTo(9.0);
        assertThat(age.quantile(0.5)).isEqualTo(4.0);
        assertThat(age.quantile(1.0)).isEqualTo(9.0);
        assertThat(age.cdf(4.0)).isEqualTo(0.5);
        assertThat(age.cdf(1.0)).isEqualTo(0.0);
        assertThat(age.exactValues()).containsExactly(2, 4, 4, 4, 5, 5, 7, 9);
        assertThat(age.smallDomain()).containsExactly(Map.entry(2.0, 1L), Map.entry(4.0, 3L), Map.entry(5.0, 2L),
                Map.entry(7.0, 1L), Map.entry(9.0, 1L));
        assertThat(age.distinct()).isEqualTo(5);

        ColumnProfile plan = profile.column("plan");
        assertThat(plan.count()).isEqualTo(8);
        assertThat(plan.missing()).isEqualTo(1);
        assertThat(plan.frequencies()).containsExactly(Map.entry("a", 5L), Map.entry("b", 2L), Map.entry("c", 1L));
        assertThat(plan.distinct()).isEqualTo(3);
        assertThat(plan.exactFrequencies()).isTrue();
        assertThat(plan.frequency("b")).isEqualTo(2);
        assertThat(plan.frequency("z")).isZero();
        assertThat(profile.column("nope")).isNull();
    }

    @Test
    void largeColumnsDropExactValuesAndFallBackToSketches() {
        int n = 200_000;
        double[] ages = new double[n];
        String[] plans = new String[n];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            ages[i] = random.nextDouble();
            plans[i] = i % 2 == 0 ? "heavy" : "v" + random.nextInt(5000);
        }
        ColumnProfile age = ofRows(ages, plans).column("age");

        assertThat(age.exactValues()).isNull();
        assertThat(age.smallDomain()).isNull();
        assertThat(age.distinct()).isEqualTo(-1);
        assertThat(age.quantile(0.5)).isCloseTo(0.5, within(0.02));
        assertThat(age.cdf(0.25)).isCloseTo(0.25, within(0.02));
        assertThat(age.mean()).isCloseTo(0.5, within(0.01));
        assertThat(age.stddev()).isCloseTo(Math.sqrt(1.0 / 12), within(0.01));

        ColumnProfile plan = ofRows(ages, plans).column("plan");
        assertThat(plan.distinct()).isCloseTo(5001, within(150L));
        assertThat(plan.frequencies().get("heavy")).isCloseTo(n / 2, within((long) (n * 0.002)));
        assertThat(plan.frequencies().keySet().iterator().next()).isEqualTo("heavy");
        assertThat(plan.exactFrequencies()).isFalse();
        assertThat(plan.frequency("heavy")).isEqualTo(plan.frequencies().get("heavy"));
        assertThat(plan.frequency("never seen")).isLessThan((long) (n * 0.002));
    }

    @Test
    void theColumnarPathSummarisesLikeTheRowPath() {
        int n = 10_000;
        double[] ages = new double[n];
        String[] plans = new String[n];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            ages[i] = i % 97 == 0 ? Double.NaN : random.nextGaussian() * 10 + 40;
            plans[i] = i % 89 == 0 ? null : "p" + random.nextInt(4);
        }
        ProfileBuilder builder = new ProfileBuilder(COLUMNS);
        builder.numbers(0, ages, 0, 6000);
        builder.texts(1, plans, 0, 6000);
        builder.endRows(6000);
        builder.numbers(0, ages, 6000, n);
        builder.texts(1, plans, 6000, n);
        builder.endRows(n - 6000);
        Profile columnar = builder.build();
        Profile rows = ofRows(ages, plans);

        assertThat(columnar.rows()).isEqualTo(rows.rows());
        ColumnProfile a = columnar.column("age");
        ColumnProfile b = rows.column("age");
        assertThat(a.count()).isEqualTo(b.count());
        assertThat(a.missing()).isEqualTo(b.missing()).isEqualTo(104);
        assertThat(a.mean()).isEqualTo(b.mean());
        assertThat(a.stddev()).isEqualTo(b.stddev());
        assertThat(a.quantile(0.9)).isCloseTo(b.quantile(0.9), within(1.0));
        assertThat(columnar.column("plan").frequencies()).isEqualTo(rows.column("plan").frequencies());
    }

    @Test
    void mergingEqualsProfilingAllRowsTogether() {
        double[] first = {1, 2, 3, 3};
        double[] second = {3, 10, 11};
        Profile a = ofRows(first, new String[] {"x", "y", "x", null});
        Profile b = ofRows(second, new String[] {"z", "x", "x"});
        Profile both = ofRows(new double[] {1, 2, 3, 3, 3, 10, 11}, new String[] {"x", "y", "x", null, "z", "x", "x"});

        Profile merged = a.merge(b);

        assertThat(merged.rows()).isEqualTo(7);
        ColumnProfile age = merged.column("age");
        assertThat(age.count()).isEqualTo(7);
        assertThat(age.mean()).isCloseTo(both.column("age").mean(), within(1e-12));
        assertThat(age.stddev()).isCloseTo(both.column("age").stddev(), within(1e-12));
        assertThat(age.exactValues()).containsExactly(1, 2, 3, 3, 3, 10, 11);
        assertThat(age.smallDomain()).isEqualTo(both.column("age").smallDomain());
        assertThat(age.min()).isEqualTo(1);
        assertThat(age.max()).isEqualTo(11);
        assertThat(merged.column("plan").frequencies()).isEqualTo(both.column("plan").frequencies());
        assertThat(merged.column("plan").missing()).isEqualTo(1);
        // The sides are unchanged.
        assertThat(a.column("age").count()).isEqualTo(4);
        assertThat(b.column("plan").frequencies()).containsExactly(Map.entry("x", 2L), Map.entry("z", 1L));
    }

    @Test
    void mergingPastTheExactLimitsKeepsSketchesOnly() {
        SplittableRandom random = new SplittableRandom(11);
        Profile merged = Profile.empty(COLUMNS);
        for (int part = 0; part < 4; part++) {
            double[] ages = random.doubles(400).toArray();
            String[] plans = new String[400];
            Arrays.setAll(plans, i -> "c" + random.nextInt(100_000));
            merged = merged.merge(ofRows(ages, plans));
        }
        assertThat(merged.rows()).isEqualTo(1600);
        assertThat(merged.column("age").exactValues()).isNull();
        assertThat(merged.column("age").quantile(0.5)).isCloseTo(0.5, within(0.06));
        assertThat(merged.column("plan").count()).isEqualTo(1600);
        assertThat(merged.column("plan").distinct()).isCloseTo(1590, within(60L));

        Profile back = Profile.fromBytes(merged.toBytes());
        assertThat(back.column("plan").distinct()).isEqualTo(merged.column("plan").distinct());
        assertThat(back.column("age").quantile(0.3)).isEqualTo(merged.column("age").quantile(0.3));
    }

    @Test
    void bytesRoundTrip() {
        SplittableRandom random = new SplittableRandom(5);
        int n = 5000;
        double[] ages = new double[n];
        String[] plans = new String[n];
        for (int i = 0; i < n; i++) {
            ages[i] = i % 50 == 0 ? Double.NaN : random.nextDouble(18, 90);
            plans[i] = i % 40 == 0 ? null : "plän " + random.nextInt(3);
        }
        Profile small = ofRows(new double[] {0.5, -0.0, 0.0, 2}, new String[] {"a", "b", "", "a"});
        for (Profile profile : List.of(ofRows(ages, plans), small, Profile.empty(COLUMNS))) {
            Profile back = Profile.fromBytes(profile.toBytes());

            assertThat(back.rows()).isEqualTo(profile.rows());
            assertThat(back.columns()).isEqualTo(profile.columns());
            for (ProfileColumn column : profile.columns()) {
                ColumnProfile before = profile.column(column.name());
                ColumnProfile after = back.column(column.name());
                assertThat(after.count()).isEqualTo(before.count());
                assertThat(after.missing()).isEqualTo(before.missing());
                if (column.kind() == ColumnKind.NUMBER) {
                    assertSame(after.mean(), before.mean());
                    assertSame(after.stddev(), before.stddev());
                    assertSame(after.min(), before.min());
                    assertSame(after.quantile(0.25), before.quantile(0.25));
                    assertSame(after.cdf(50), before.cdf(50));
                    assertThat(after.exactValues()).isEqualTo(before.exactValues());
                    assertThat(after.smallDomain()).isEqualTo(before.smallDomain());
                } else {
                    assertThat(after.frequencies()).isEqualTo(before.frequencies());
                }
            }
            assertThat(back.toBytes()).isEqualTo(profile.toBytes());
        }
        assertThat(small.column("age").smallDomain()).containsOnlyKeys(0.0, 0.5, 2.0);
    }

    /** Equal as doubles, NaN included. */
    private static void assertSame(double actual, double expected) {
        assertThat(Double.compare(actual, expected)).as("%s vs %s", actual, expected).isZero();
    }

    @Test
    void garbageIsRejected() {
        byte[] good = ofRows(new double[] {1, 2}, new String[] {"a", "b"}).toBytes();

        assertThatThrownBy(() -> Profile.fromBytes(new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Profile.fromBytes(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Profile.fromBytes(Arrays.copyOf(good, good.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Profile.fromBytes(Arrays.copyOf(good, good.length + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] otherVersion = good.clone();
        otherVersion[4] = 2;
        assertThatThrownBy(() -> Profile.fromBytes(otherVersion)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 2");
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 2000; i++) {
            byte[] corrupt = good.clone();
            corrupt[5 + random.nextInt(corrupt.length - 5)] = (byte) random.nextInt(256);
            try {
                Profile.fromBytes(corrupt);
            } catch (IllegalArgumentException expected) {
                // a corruption is either detected or lands on a value that is still well-formed
            }
        }
    }

    @Test
    void kindsMustMatch() {
        Profile numbers = Profile.empty(List.of(new ProfileColumn("x", ColumnKind.NUMBER)));
        Profile texts = Profile.empty(List.of(new ProfileColumn("x", ColumnKind.TEXT)));
        ProfileBuilder builder = new ProfileBuilder(COLUMNS);

        assertThatThrownBy(() -> numbers.merge(texts)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x");
        assertThatThrownBy(() -> builder.number(1, 2.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.text(0, "a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> numbers.column("x").frequencies()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> texts.column("x").mean()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ProfileBuilder(List.of(COLUMNS.get(0), COLUMNS.get(0))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void columnsOnOneSideOnlyAreKept() {
        Profile a = ofRows(new double[] {1}, new String[] {"a"});
        ProfileBuilder other = new ProfileBuilder(List.of(new ProfileColumn("score", ColumnKind.NUMBER)));
        other.number(0, 0.7);
        other.endRow();

        Profile merged = a.merge(other.build());

        assertThat(merged.columns()).extracting(ProfileColumn::name).containsExactly("age", "plan", "score");
        assertThat(merged.column("score").count()).isEqualTo(1);
        assertThat(merged.rows()).isEqualTo(2);
    }

    @Test
    void distributionsAreStepFunctions() {
        EmpiricalCdf exact = ofRows(new double[] {2, 1, 2, 3}, new String[] {"a", "a", "a", "a"}).column("age")
                .distribution();

        assertThat(exact.size()).isEqualTo(3);
        assertThat(exact.value(1)).isEqualTo(2.0);
        assertThat(exact.cumulative(1)).isEqualTo(0.75);
        assertThat(exact.atOrBelow(2.0)).isEqualTo(0.75);
        assertThat(exact.below(2.0)).isEqualTo(0.25);
        assertThat(exact.atOrBelow(0.0)).isEqualTo(0.0);

        SplittableRandom random = new SplittableRandom(9);
        double[] ages = random.doubles(100_000).toArray();
        String[] plans = new String[ages.length];
        Arrays.fill(plans, "p");
        EmpiricalCdf sketched = ofRows(ages, plans).column("age").distribution();
        assertThat(sketched.count()).isEqualTo(100_000);
        assertThat(sketched.size()).isLessThan(2000);
        assertThat(sketched.cumulative(sketched.size() - 1)).isEqualTo(1.0);
        assertThat(sketched.atOrBelow(0.5)).isCloseTo(0.5, within(0.02));
    }

    @Test
    void anEmptyProfileAnswersNaN() {
        ColumnProfile age = Profile.empty(COLUMNS).column("age");

        assertThat(age.count()).isZero();
        assertThat(age.mean()).isNaN();
        assertThat(age.quantile(0.5)).isNaN();
        assertThat(age.cdf(1)).isNaN();
        assertThat(age.exactValues()).isEmpty();
        assertThat(Profile.empty(COLUMNS).column("plan").frequencies()).isEmpty();
    }

    @Test
    void aSnapshotDoesNotChangeWhenTheBuilderGoesOn() {
        ProfileBuilder builder = new ProfileBuilder(COLUMNS);
        builder.number(0, 1);
        builder.text(1, "a");
        builder.endRow();
        Profile first = builder.build();
        builder.number(0, 3);
        builder.text(1, "a");
        builder.endRow();

        assertThat(first.column("age").mean()).isEqualTo(1.0);
        assertThat(first.column("plan").frequencies()).containsExactly(Map.entry("a", 1L));
        assertThat(builder.build().column("age").mean()).isEqualTo(2.0);
    }
}
