package dev.lodestar.drift.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import dev.lodestar.drift.sketch.EmpiricalCdf;

/** Each statistic against values published outside this project; the source is named at each check. */
class DriftStatisticsTest {

    @Test
    void ksExactPValuesMatchTheGnedenkoKorolyukFormula() {
        // Equal samples n = m = 10: P(D >= k/n) = 2 sum_{j>=1} (-1)^(j+1) C(2n, n - jk) / C(2n, n)
        // (Gnedenko and Korolyuk, 1951; the values behind Massey's 1951 table of critical values):
        // k = 6: 2 C(20,4) / C(20,10) = 9690 / 184756; k = 7: 2 C(20,3) / C(20,10) = 2280 / 184756;
        // k = 3: 2 (C(20,7) - C(20,4) + C(20,1)) / C(20,10) = 145390 / 184756.
        assertThat(DriftStatistics.ksPValue(0.6, 10, 10)).isCloseTo(9690.0 / 184756, within(1e-12));
        assertThat(DriftStatistics.ksPValue(0.7, 10, 10)).isCloseTo(2280.0 / 184756, within(1e-12));
        assertThat(DriftStatistics.ksPValue(0.3, 10, 10)).isCloseTo(145390.0 / 184756, within(1e-12));
    }

    @Test
    void ksOfSeparatedSamplesIsTheShareOfTheTwoExtremePaths() {
        // scipy.stats.ks_2samp([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]) -> statistic 1.0, pvalue 0.007936507936507936
        // (= 2 / C(10, 5): only the two paths along the edges of the lattice reach distance 1).
        EmpiricalCdf a = EmpiricalCdf.of(1, 2, 3, 4, 5);
        EmpiricalCdf b = EmpiricalCdf.of(6, 7, 8, 9, 10);

        double d = DriftStatistics.ksStatistic(a, b);

        assertThat(d).isEqualTo(1.0);
        assertThat(DriftStatistics.ksPValue(d, 5, 5)).isCloseTo(0.007936507936507936, within(1e-15));
        // Unequal sizes, same reasoning: 2 / C(5, 2).
        assertThat(DriftStatistics.ksPValue(1.0, 3, 2)).isCloseTo(0.2, within(1e-15));
    }

    @Test
    void ksStatisticIsTheLargestGapBetweenTheStepFunctions() {
        // Hand count: at x = 3 the first sample is 3/4 done and the second 1/4: D = 0.5.
        EmpiricalCdf a = EmpiricalCdf.of(1, 2, 3, 7);
        EmpiricalCdf b = EmpiricalCdf.of(3, 4, 5, 6);

        assertThat(DriftStatistics.ksStatistic(a, b)).isEqualTo(0.5);
        assertThat(DriftStatistics.ksStatistic(a, a)).isZero();
    }

    @Test
    void ksLargeSamplesUseTheKolmogorovDistribution() {
        // The limiting Kolmogorov distribution's upper 5% and 1% points are 1.3581 and 1.6276 (Smirnov 1948, the
        // standard table); for large n and m, sqrt(nm / (n + m)) D has that distribution.
        long n = 200_000;
        long m = 300_000;
        double scale = Math.sqrt((double) n * m / (n + m));

        assertThat(DriftStatistics.ksPValue(1.3581 / scale, n, m)).isCloseTo(0.05, within(0.0005));
        assertThat(DriftStatistics.ksPValue(1.6276 / scale, n, m)).isCloseTo(0.01, within(0.0002));
        assertThat(DriftStatistics.ksPValue(0.0, n, m)).isEqualTo(1.0);
    }

    @Test
    void chiSquaredMatchesScipyDocumentation() {
        // scipy.stats.chisquare docs: chisquare([16, 18, 16, 14, 12, 12]) -> statistic 2.0, pvalue 0.84914503608460956;
        // chisquare([16, 18, 16, 14, 12, 12], f_exp=[16, 16, 16, 16, 16, 8]) -> 3.5, 0.62338762774958223.
        double[] observed = {16, 18, 16, 14, 12, 12};

        double[] uniform = DriftStatistics.chiSquared(observed, new double[] {14.666666666666666, 14.666666666666666,
            14.666666666666666, 14.666666666666666, 14.666666666666666, 14.666666666666666});
        double[] given = DriftStatistics.chiSquared(observed, new double[] {16, 16, 16, 16, 16, 8});

        assertThat(uniform[0]).isCloseTo(2.0, within(1e-12));
        assertThat(uniform[1]).isCloseTo(0.84914503608460956, within(1e-12));
        assertThat(given[0]).isCloseTo(3.5, within(1e-12));
        assertThat(given[1]).isCloseTo(0.62338762774958223, within(1e-12));
    }

    @Test
    void twoProportionZMatchesStatsmodelsDocumentation() {
        // statsmodels.stats.proportion.proportions_ztest docs: count = [5, 12], nobs = [83, 99] -> p-value 0.159
        // (printed to three decimals); z = (5/83 - 12/99) / sqrt(P (1 - P) (1/83 + 1/99)), P = 17/182.
        double[] result = DriftStatistics.twoProportionZ(5, 83, 12, 99);

        assertThat(result[1]).isCloseTo(0.159, within(0.0005));
        double pooled = 17.0 / 182;
        assertThat(result[0]).isCloseTo((5.0 / 83 - 12.0 / 99) / Math.sqrt(pooled * (1 - pooled) * (1.0 / 83 + 1.0 / 99)),
                within(1e-12));
        // The two-sided 5% point of the standard normal is 1.959964 (any normal table).
        assertThat(DriftStatistics.twoProportionZ(50, 100, 50, 100)[1]).isEqualTo(1.0);
    }

    @Test
    void wassersteinMatchesScipyDocumentation() {
        // scipy.stats.wasserstein_distance docs:
        //   wasserstein_distance([0, 1, 3], [5, 6, 8]) -> 5.0
        //   wasserstein_distance([0, 1], [0, 1], [3, 1], [2, 2]) -> 0.25
        //   wasserstein_distance([3.4, 3.9, 7.5, 7.8], [4.5, 1.4], [1.4, 0.9, 3.1, 7.2], [3.2, 3.5]) -> 4.0781331438047861
        assertThat(DriftStatistics.wasserstein(EmpiricalCdf.of(0, 1, 3), EmpiricalCdf.of(5, 6, 8)))
                .isCloseTo(5.0, within(1e-12));
        assertThat(DriftStatistics.wasserstein(EmpiricalCdf.weighted(new double[] {0, 1}, new double[] {3, 1}),
                EmpiricalCdf.weighted(new double[] {0, 1}, new double[] {2, 2}))).isCloseTo(0.25, within(1e-12));
        assertThat(DriftStatistics.wasserstein(
                EmpiricalCdf.weighted(new double[] {3.4, 3.9, 7.5, 7.8}, new double[] {1.4, 0.9, 3.1, 7.2}),
                EmpiricalCdf.weighted(new double[] {4.5, 1.4}, new double[] {3.2, 3.5})))
                .isCloseTo(4.0781331438047861, within(1e-12));
    }

    @Test
    void jensenShannonMatchesScipyDocumentation() {
        // scipy.spatial.distance.jensenshannon docs (natural logarithm unless a base is given):
        //   jensenshannon([1.0, 0.0, 0.0], [0.0, 1.0, 0.0], 2.0) -> 1.0, i.e. sqrt(ln 2) in nats
        //   jensenshannon([1.0, 0.0], [0.5, 0.5]) -> 0.46450140402245893
        //   jensenshannon([1.0, 0.0, 0.0], [1.0, 0.0, 0.0]) -> 0.0
        assertThat(DriftStatistics.jensenShannon(new double[] {1, 0, 0}, new double[] {0, 1, 0}))
                .isCloseTo(Math.sqrt(Math.log(2)), within(1e-12));
        assertThat(DriftStatistics.jensenShannon(new double[] {1, 0}, new double[] {0.5, 0.5}))
                .isCloseTo(0.46450140402245893, within(1e-12));
        assertThat(DriftStatistics.jensenShannon(new double[] {1, 0, 0}, new double[] {1, 0, 0})).isZero();
        // Counts are normalised first, as scipy does.
        assertThat(DriftStatistics.jensenShannon(new double[] {10, 0}, new double[] {3, 3}))
                .isCloseTo(0.46450140402245893, within(1e-12));
    }

    @Test
    void psiIsTheJeffreysDivergenceOfScipysEntropyExample() {
        // PSI = sum (r - c) ln(r / c) = KL(r || c) + KL(c || r). scipy.stats.entropy docs, in bits:
        //   entropy([1/2, 1/2], qk=[9/10, 1/10], base=2) -> 0.7369655941662062   (KL(fair || biased))
        //   entropy([9/10, 1/10], base=2) -> 0.46899559358928117, so KL(biased || fair) = 1 - 0.46899559358928117.
        double expected = (0.7369655941662062 + 1 - 0.46899559358928117) * Math.log(2);

        assertThat(DriftStatistics.psi(new double[] {0.5, 0.5}, new double[] {0.9, 0.1})).isCloseTo(expected, within(1e-12));
        assertThat(DriftStatistics.psi(new double[] {0.2, 0.8}, new double[] {0.2, 0.8})).isZero();
    }

    @Test
    void emptyBinsGetEvidentlysSmallShare() {
        assertThat(DriftStatistics.fillZeroes(new double[] {0.5, 0.0, 0.5})).containsExactly(0.5, 0.0001, 0.5);
        assertThat(DriftStatistics.fillZeroes(new double[] {0.99995, 0.00005, 0.0})).containsExactly(0.99995, 0.00005, 5e-11);
        assertThat(DriftStatistics.psi(new double[] {1.0, 0.0}, new double[] {0.0, 1.0})).isFinite().isGreaterThan(1.0);
    }
}
