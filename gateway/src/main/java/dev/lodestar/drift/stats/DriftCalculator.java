package dev.lodestar.drift.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import dev.lodestar.drift.sketch.ColumnKind;
import dev.lodestar.drift.sketch.ColumnProfile;
import dev.lodestar.drift.sketch.EmpiricalCdf;
import dev.lodestar.drift.sketch.Profile;

/**
 * Compares a current profile with a reference profile, feature by feature.
 *
 * <p>The test for a feature is its override in {@link DriftSettings#overrides()} if any, else Evidently's default
 * choice, made on the reference's value count and the number of distinct values over both sides:
 * <ul>
 * <li>reference of at most {@link DriftSettings#smallSampleRows()} values: numbers with more than 5 distinct values
 * get {@link DriftTest#KS}; otherwise more than 2 distinct values get {@link DriftTest#CHI_SQUARED}, at most 2 the
 * {@link DriftTest#Z_TEST};</li>
 * <li>larger references: numbers with more than 5 distinct values get {@link DriftTest#WASSERSTEIN} (normalised by the
 * reference's standard deviation, at least 0.001), everything else {@link DriftTest#JENSEN_SHANNON}.</li>
 * </ul>
 * p-value tests drift when the p-value is below the threshold (KS: at or below, as Evidently), distances when they
 * reach it. PSI is computed for every feature over 10 reference-decile bins (numbers with more than 20 distinct
 * values) or the values/categories themselves.
 *
 * <p>Binning: chi-squared, the z-test and Jensen-Shannon work on categories: text values (when a side has more
 * distinct values than its profile counts exactly, the values it does not list are pooled as {@code "(other)"}),
 * number values when there are at most 20 distinct ones, else Sturges equal-width bins over both sides' range (as
 * Evidently's {@code get_binned_data}). Categories absent from the reference get an expected share of 0.0001 in the
 * chi-squared test, so its statistic stays finite. KS and Wasserstein run on the distributions themselves: exact
 * values while a profile keeps them, the KLL sketch's steps otherwise.
 *
 * <p>Stateless and thread-safe.
 */
public final class DriftCalculator {

    /** Label of the bin that pools text values a sketch does not list. */
    public static final String OTHER = "(other)";

    private static final int CATEGORY_LIMIT = 20;
    private static final int HISTOGRAM_BINS = 20;
    private static final int PSI_BINS = 10;
    private static final double MIN_NORM = 0.001;

    private DriftCalculator() {
    }

    /**
     * Compares {@code current} with {@code reference} under {@code settings}.
     *
     * @throws IllegalArgumentException when a feature has a different kind on each side, or an override names a test
     *         that does not apply to its feature (KS and Wasserstein need numbers)
     */
    public static DriftComparison compare(Profile reference, Profile current, DriftSettings settings) {
        List<FeatureComparison> features = new ArrayList<>(reference.columns().size());
        int drifted = 0;
        for (ColumnProfile ref : reference.columnProfiles()) {
            ColumnProfile cur = current.column(ref.name());
            if (cur != null && cur.kind() != ref.kind()) {
                throw new IllegalArgumentException("feature " + ref.name() + " is " + ref.kind() + " in the reference and "
                        + cur.kind() + " in the current data");
            }
            FeatureComparison comparison = compareFeature(ref, cur, settings);
            features.add(comparison);
            if (comparison.drifted()) {
                drifted++;
            }
        }
        double share = features.isEmpty() ? 0.0 : (double) drifted / features.size();
        boolean datasetDrift = !features.isEmpty() && share >= settings.driftShare();
        return new DriftComparison(reference.rows(), current.rows(), datasetDrift, share, features);
    }

    private static FeatureComparison compareFeature(ColumnProfile ref, ColumnProfile cur, DriftSettings settings) {
        DriftSettings.FeatureOverride override = settings.overrides().get(ref.name());
        boolean empty = cur == null || cur.count() == 0 || ref.count() == 0;
        Side side = ref.kind() == ColumnKind.NUMBER ? new NumberSide(ref, empty ? null : cur)
                : new TextSide(ref, empty ? null : cur);
        DriftTest test = override != null && override.test() != null ? override.test()
                : defaultTest(ref, side.distinctBothSides(), settings);
        if (ref.kind() == ColumnKind.TEXT && (test == DriftTest.KS || test == DriftTest.WASSERSTEIN)) {
            throw new IllegalArgumentException(test + " does not apply to the text feature " + ref.name());
        }
        double threshold = override != null && override.threshold() != null ? override.threshold()
                : settings.thresholdOf(test);
        Histogram histogram = side.histogram();
        if (empty) {
            return new FeatureComparison(ref.name(), test, 0.0, null, threshold, false, 0.0, histogram);
        }
        double psi = side.psi();
        double statistic;
        Double pValue = null;
        boolean drifted;
        switch (test) {
            case KS -> {
                EmpiricalCdf a = ref.distribution();
                EmpiricalCdf b = cur.distribution();
                statistic = DriftStatistics.ksStatistic(a, b);
                pValue = DriftStatistics.ksPValue(statistic, ref.count(), cur.count());
                drifted = pValue <= threshold;
            }
            case WASSERSTEIN -> {
                double norm = Math.max(ref.stddev(), MIN_NORM);
                statistic = DriftStatistics.wasserstein(ref.distribution(), cur.distribution()) / norm;
                drifted = statistic >= threshold;
            }
            case CHI_SQUARED -> {
                Categories categories = side.categories();
                double scale = (double) cur.count() / ref.count();
                double[] refShares = DriftStatistics.fillZeroes(categories.referenceShares());
                double[] expected = new double[refShares.length];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = categories.reference[i] > 0 ? categories.reference[i] * scale
                            : refShares[i] * cur.count();
                }
                double[] result = DriftStatistics.chiSquared(categories.current, expected);
                statistic = result[0];
                pValue = result[1];
                drifted = pValue < threshold;
            }
            case Z_TEST -> {
                Categories categories = side.categories();
                // Evidently: the first category in sorted order against all others.
                long refFirst = categories.reference.length == 0 ? 0 : Math.round(categories.reference[0]);
                long curFirst = categories.current.length == 0 ? 0 : Math.round(categories.current[0]);
                double[] result = DriftStatistics.twoProportionZ(refFirst, ref.count(), curFirst, cur.count());
                statistic = result[0];
                pValue = result[1];
                drifted = pValue < threshold;
            }
            case JENSEN_SHANNON -> {
                Categories categories = side.categories();
                statistic = DriftStatistics.jensenShannon(categories.reference, categories.current);
                drifted = statistic >= threshold;
            }
            case PSI -> {
                statistic = psi;
                drifted = statistic >= threshold;
            }
            default -> throw new IllegalStateException("unknown test " + test);
        }
        return new FeatureComparison(ref.name(), test, statistic, pValue, threshold, drifted, psi, histogram);
    }

    /** Evidently's default choice. */
    static DriftTest defaultTest(ColumnProfile reference, long distinct, DriftSettings settings) {
        boolean number = reference.kind() == ColumnKind.NUMBER;
        if (reference.count() <= settings.smallSampleRows()) {
            if (number && distinct > 5) {
                return DriftTest.KS;
            }
            return distinct > 2 ? DriftTest.CHI_SQUARED : DriftTest.Z_TEST;
        }
        return number && distinct > 5 ? DriftTest.WASSERSTEIN : DriftTest.JENSEN_SHANNON;
    }

    /** Counts per category (or bin) on each side, categories in display/sorted order. */
    record Categories(List<String> labels, double[] reference, double[] current) {

        double[] referenceShares() {
            return shares(reference);
        }

        static double[] shares(double[] counts) {
            double total = 0.0;
            for (double count : counts) {
                total += count;
            }
            double[] shares = new double[counts.length];
            for (int i = 0; i < counts.length && total > 0; i++) {
                shares[i] = counts[i] / total;
            }
            return shares;
        }
    }

    /** One feature's two sides, with the binning rules of its kind. */
    private interface Side {

        /** Distinct values over both sides; Long.MAX_VALUE when a side has too many to count. */
        long distinctBothSides();

        Categories categories();

        double psi();

        Histogram histogram();
    }

    private static final class NumberSide implements Side {

        private final ColumnProfile ref;
        private final ColumnProfile cur;
        private final TreeSet<Double> domain;

        NumberSide(ColumnProfile ref, ColumnProfile cur) {
            this.ref = ref;
            this.cur = cur;
            Map<Double, Long> refDomain = ref.smallDomain();
            Map<Double, Long> curDomain = cur == null ? Map.of() : cur.smallDomain();
            this.domain = refDomain == null || curDomain == null ? null : new TreeSet<>(refDomain.keySet());
            if (domain != null) {
                domain.addAll(curDomain.keySet());
            }
        }

        @Override
        public long distinctBothSides() {
            return domain == null ? Long.MAX_VALUE : domain.size();
        }

        @Override
        public Categories categories() {
            if (domain != null && domain.size() <= CATEGORY_LIMIT) {
                List<String> labels = new ArrayList<>();
                double[] r = new double[domain.size()];
                double[] c = new double[domain.size()];
                int i = 0;
                for (double value : domain) {
                    labels.add(format(value));
                    r[i] = ref.smallDomain().getOrDefault(value, 0L);
                    c[i] = cur == null ? 0 : cur.smallDomain().getOrDefault(value, 0L);
                    i++;
                }
                return new Categories(labels, r, c);
            }
            long n = ref.count() + (cur == null ? 0 : cur.count());
            int bins = (int) Math.min(1000, Math.ceil(Math.log(Math.max(1, n)) / Math.log(2) + 1.0));
            return equalWidth(bins);
        }

        private Categories equalWidth(int bins) {
            double low = ref.min();
            double high = ref.max();
            if (cur != null) {
                low = Math.min(low, cur.min());
                high = Math.max(high, cur.max());
            }
            if (!(high > low)) {
                // numpy widens a zero range to [x - 0.5, x + 0.5]; one bin holds everything.
                return new Categories(List.of("[" + format(low - 0.5) + ", " + format(high + 0.5) + "]"),
                        new double[] {ref.count()}, new double[] {cur == null ? 0 : cur.count()});
            }
            EmpiricalCdf a = ref.distribution();
            EmpiricalCdf b = cur == null ? null : cur.distribution();
            List<String> labels = new ArrayList<>(bins);
            double[] r = new double[bins];
            double[] c = new double[bins];
            double width = (high - low) / bins;
            double previousA = 0.0;
            double previousB = 0.0;
            for (int k = 0; k < bins; k++) {
                double from = low + k * width;
                double to = k == bins - 1 ? high : low + (k + 1) * width;
                boolean last = k == bins - 1;
                double upToA = last ? 1.0 : a.below(to);
                double upToB = b == null ? 0.0 : last ? 1.0 : b.below(to);
                r[k] = (upToA - previousA) * ref.count();
                c[k] = b == null ? 0.0 : (upToB - previousB) * cur.count();
                previousA = upToA;
                previousB = upToB;
                labels.add("[" + format(from) + ", " + format(to) + (last ? "]" : ")"));
            }
            return new Categories(labels, r, c);
        }

        @Override
        public double psi() {
            if (cur == null) {
                return 0.0;
            }
            if (domain != null && domain.size() <= CATEGORY_LIMIT) {
                Categories categories = categories();
                return DriftStatistics.psi(categories.referenceShares(), Categories.shares(categories.current));
            }
            // Reference deciles: bins (-inf, q1], (q1, q2], ..., (q9, inf).
            TreeSet<Double> edges = new TreeSet<>();
            for (int k = 1; k < PSI_BINS; k++) {
                edges.add(ref.quantile((double) k / PSI_BINS));
            }
            edges.remove(ref.max());
            EmpiricalCdf a = ref.distribution();
            EmpiricalCdf b = cur.distribution();
            double[] r = new double[edges.size() + 1];
            double[] c = new double[edges.size() + 1];
            double previousA = 0.0;
            double previousB = 0.0;
            int k = 0;
            for (double edge : edges) {
                double upToA = a.atOrBelow(edge);
                double upToB = b.atOrBelow(edge);
                r[k] = upToA - previousA;
                c[k] = upToB - previousB;
                previousA = upToA;
                previousB = upToB;
                k++;
            }
            r[k] = 1.0 - previousA;
            c[k] = 1.0 - previousB;
            return DriftStatistics.psi(r, c);
        }

        @Override
        public Histogram histogram() {
            Categories categories;
            if (domain != null && domain.size() <= CATEGORY_LIMIT) {
                categories = categories();
            } else if (ref.count() == 0 && (cur == null || cur.count() == 0)) {
                categories = new Categories(List.of(), new double[0], new double[0]);
            } else {
                long n = ref.count() + (cur == null ? 0 : cur.count());
                int bins = (int) Math.min(HISTOGRAM_BINS, Math.ceil(Math.log(Math.max(1, n)) / Math.log(2) + 1.0));
                categories = equalWidth(Math.max(1, bins));
            }
            return new Histogram(categories.labels(), categories.referenceShares(), Categories.shares(categories.current));
        }
    }

    private static final class TextSide implements Side {

        private final ColumnProfile ref;
        private final ColumnProfile cur;
        private final Map<String, Long> refCounts;
        private final Map<String, Long> curCounts;

        TextSide(ColumnProfile ref, ColumnProfile cur) {
            this.ref = ref;
            this.cur = cur;
            this.refCounts = ref.frequencies();
            this.curCounts = cur == null ? Map.of() : cur.frequencies();
        }

        @Override
        public long distinctBothSides() {
            if (!ref.exactFrequencies() || (cur != null && !cur.exactFrequencies())) {
                return Long.MAX_VALUE;
            }
            TreeSet<String> all = new TreeSet<>(refCounts.keySet());
            all.addAll(curCounts.keySet());
            return all.size();
        }

        /** All categories in sorted order (Evidently sorts for the z-test), plus the pooled rest when a side has one. */
        @Override
        public Categories categories() {
            TreeSet<String> all = new TreeSet<>(refCounts.keySet());
            all.addAll(curCounts.keySet());
            return categoriesOf(new ArrayList<>(all));
        }

        private Categories categoriesOf(List<String> labels) {
            double[] r = new double[labels.size() + 1];
            double[] c = new double[labels.size() + 1];
            double listedR = 0;
            double listedC = 0;
            for (int i = 0; i < labels.size(); i++) {
                r[i] = ref.frequency(labels.get(i));
                c[i] = cur == null ? 0 : cur.frequency(labels.get(i));
                listedR += r[i];
                listedC += c[i];
            }
            r[labels.size()] = Math.max(0.0, ref.count() - listedR);
            c[labels.size()] = cur == null ? 0.0 : Math.max(0.0, cur.count() - listedC);
            List<String> withOther = new ArrayList<>(labels);
            if (r[labels.size()] > 0 || c[labels.size()] > 0) {
                withOther.add(OTHER);
                return new Categories(withOther, r, c);
            }
            return new Categories(labels, java.util.Arrays.copyOf(r, labels.size()),
                    java.util.Arrays.copyOf(c, labels.size()));
        }

        @Override
        public double psi() {
            if (cur == null) {
                return 0.0;
            }
            Categories categories = categories();
            return DriftStatistics.psi(categories.referenceShares(), Categories.shares(categories.current));
        }

        /** The most frequent categories over both sides (by summed share), then the rest pooled. */
        @Override
        public Histogram histogram() {
            Map<String, Double> weight = new LinkedHashMap<>();
            double refTotal = Math.max(1, ref.count());
            double curTotal = cur == null ? 1 : Math.max(1, cur.count());
            refCounts.forEach((value, count) -> weight.merge(value, count / refTotal, Double::sum));
            curCounts.forEach((value, count) -> weight.merge(value, count / curTotal, Double::sum));
            List<String> top = weight.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(HISTOGRAM_BINS)
                    .map(Map.Entry::getKey)
                    .toList();
            Categories categories = categoriesOf(top);
            return new Histogram(categories.labels(), categories.referenceShares(), Categories.shares(categories.current));
        }
    }

    private static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        String text = String.format(Locale.ROOT, "%.4g", value);
        if (text.contains("e") || text.contains("E")) {
            return text;
        }
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }
}
