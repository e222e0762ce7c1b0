package dev.lodestar.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.drift.sketch.ColumnKind;
import dev.lodestar.drift.sketch.Profile;
import dev.lodestar.drift.sketch.ProfileBuilder;
import dev.lodestar.drift.sketch.ProfileColumn;
import dev.lodestar.drift.stats.DriftCalculator;
import dev.lodestar.drift.stats.DriftComparison;
import dev.lodestar.drift.stats.DriftSettings;
import dev.lodestar.drift.stats.FeatureComparison;

/**
 * {@code ./lodestar bench drift}: what profiling and drift reports cost, in one process, on one thread (the launcher
 * pins the JVM to one CPU where {@code taskset} exists). Times are the measuring thread's CPU time, so a busy machine
 * does not inflate them; wall-clock medians are recorded beside them ({@code *_wall_*}).
 *
 * <ul>
 * <li>Profile: {@value #ROWS} rows of {@value #NUMBERS} number and {@value #TEXTS} text columns (normal, log-normal,
 * uniform, integer and binary numbers; text of 8, 50, 1,000 and 20,000 distinct values, as fresh strings whose hash
 * is not yet computed, like a parser's), folded column by column in batches of {@value #BATCH} rows; the median of
 * {@value #PROFILE_RUNS} runs after {@value #WARMUP_RUNS} warm-ups. Beside it, in the same run, the floor: a plain
 * loop summing the same numbers and string lengths. The row-by-row path is measured too.</li>
 * <li>Report: a reference and a current profile of those 20 features (the current one shifted on 5 of them) as
 * bytes, read back and compared: the median of {@value #REPORT_RUNS} reports. Also a small reference (1,000 rows,
 * so Kolmogorov-Smirnov and chi-squared) against 100,000 current rows.</li>
 * </ul>
 * Writes {@code bench/drift.json} under the data directory.
 */
public final class DriftBench {

    static final int ROWS = 1_000_000;
    static final int NUMBERS = 16;
    static final int TEXTS = 4;
    static final int BATCH = 8192;
    static final int WARMUP_RUNS = 2;
    static final int PROFILE_RUNS = 5;
    static final int REPORT_RUNS = 200;
    private static final int[] VOCABULARIES = {8, 50, 1_000, 20_000};

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private DriftBench() {
    }

    /** The calling thread's CPU time: what the work cost, whatever else the machine runs meanwhile. */
    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "data");
        List<ProfileColumn> columns = columns();
        Table table = Table.generate(ROWS, 0.0, 1);

        List<Double> profileSeconds = new ArrayList<>();
        List<Double> profileWallSeconds = new ArrayList<>();
        List<Double> rowwiseSeconds = new ArrayList<>();
        List<Double> floorSeconds = new ArrayList<>();
        Profile reference = null;
        double checksum = 0;
        for (int run = 0; run < WARMUP_RUNS + PROFILE_RUNS; run++) {
            table.freshStrings();
            long start = cpu();
            checksum += table.sum();
            double floor = (cpu() - start) / 1e9;

            table.freshStrings();
            long wall = System.nanoTime();
            start = cpu();
            reference = table.profileColumnar(columns);
            double columnar = (cpu() - start) / 1e9;
            double columnarWall = (System.nanoTime() - wall) / 1e9;

            table.freshStrings();
            start = cpu();
            Profile rowwise = table.profileRowwise(columns);
            double byRow = (cpu() - start) / 1e9;
            checksum += rowwise.rows();
            if (run >= WARMUP_RUNS) {
                floorSeconds.add(floor);
                profileSeconds.add(columnar);
                profileWallSeconds.add(columnarWall);
                rowwiseSeconds.add(byRow);
            }
        }

        byte[] referenceBytes = reference.toBytes();
        byte[] currentBytes = Table.generate(ROWS, 1.0, 2).profileColumnar(columns).toBytes();
        DriftComparison comparison = null;
        List<Double> reportMillis = new ArrayList<>();
        List<Double> reportWallMillis = new ArrayList<>();
        for (int run = 0; run < REPORT_RUNS + 20; run++) {
            long wall = System.nanoTime();
            long start = cpu();
            comparison = DriftCalculator.compare(Profile.fromBytes(referenceBytes), Profile.fromBytes(currentBytes),
                    DriftSettings.DEFAULTS);
            double millis = (cpu() - start) / 1e6;
            if (run >= 20) {
                reportMillis.add(millis);
                reportWallMillis.add((System.nanoTime() - wall) / 1e6);
            }
        }

        byte[] smallReference = Table.generate(1_000, 0.0, 3).profileColumnar(columns).toBytes();
        byte[] smallCurrent = Table.generate(100_000, 1.0, 4).profileColumnar(columns).toBytes();
        DriftComparison small = null;
        List<Double> smallMillis = new ArrayList<>();
        for (int run = 0; run < REPORT_RUNS + 20; run++) {
            long start = cpu();
            small = DriftCalculator.compare(Profile.fromBytes(smallReference), Profile.fromBytes(smallCurrent),
                    DriftSettings.DEFAULTS);
            double millis = (cpu() - start) / 1e6;
            if (run >= 20) {
                smallMillis.add(millis);
            }
        }

        double profile = Stats.median(profileSeconds);
        double floor = Stats.median(floorSeconds);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("profile_rows", ROWS);
        f.put("profile_features", NUMBERS + TEXTS);
        f.put("profile_seconds", Stats.round(profile, 3));
        f.put("report_features", comparison.features().size());
        f.put("report_ms", Stats.round(Stats.median(reportMillis), 2));
        f.put("profile_number_features", NUMBERS);
        f.put("profile_text_features", TEXTS);
        f.put("profile_runs", PROFILE_RUNS);
        f.put("profile_seconds_min", Stats.round(profileSeconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), 3));
        f.put("profile_seconds_max", Stats.round(profileSeconds.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), 3));
        f.put("profile_wall_seconds", Stats.round(Stats.median(profileWallSeconds), 3));
        f.put("profile_rowwise_seconds", Stats.round(Stats.median(rowwiseSeconds), 3));
        f.put("baseline_sum_seconds", Stats.round(floor, 3));
        f.put("profile_vs_baseline_ratio", Stats.round(profile / floor, 1));
        f.put("reference_profile_bytes", referenceBytes.length);
        f.put("report_runs", REPORT_RUNS);
        f.put("report_wall_ms", Stats.round(Stats.median(reportWallMillis), 2));
        f.put("report_p90_ms", Stats.round(Stats.percentile(reportMillis.stream().mapToDouble(Double::doubleValue).toArray(), 90), 2));
        f.put("report_drifted_features", drifted(comparison));
        f.put("report_tests", tests(comparison));
        f.put("report_small_reference_ms", Stats.round(Stats.median(smallMillis), 2));
        f.put("report_small_reference_drifted_features", drifted(small));
        f.put("report_small_reference_tests", tests(small));
        f.put("cpus", Runtime.getRuntime().availableProcessors());
        f.put("java", System.getProperty("java.version"));

        System.out.printf("Drift, %d rows x %d features (%d numbers, %d text), one thread, %d CPU(s) visible%n", ROWS,
                NUMBERS + TEXTS, NUMBERS, TEXTS, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-48s %10.3f s   floor (sum of the same values) %.3f s, %.1fx%n", "profile, columnar (median of "
                + PROFILE_RUNS + ")", profile, floor, profile / floor);
        System.out.printf("%-48s %10.3f s%n", "profile, columnar, wall clock", Stats.median(profileWallSeconds));
        System.out.printf("%-48s %10.3f s%n", "profile, row by row", Stats.median(rowwiseSeconds));
        System.out.printf("%-48s %10.2f ms  target < 50 ms; %s drifted of 20 (5 shifted)%n", "report, 20 features from bytes (median of "
                + REPORT_RUNS + ")", Stats.median(reportMillis), drifted(comparison));
        System.out.printf("%-48s %10.2f ms  %s%n", "report, small reference (1,000 rows)", Stats.median(smallMillis),
                tests(small));
        System.out.printf("%-48s %10.2f ms%n", "report, wall clock", Stats.median(reportWallMillis));
        System.out.printf("reference profile: %,d bytes; times are the thread's CPU time unless marked wall clock"
                + " (checksum %.1f)%n", referenceBytes.length, checksum);

        Path json = data.resolve("bench/drift.json");
        Files.createDirectories(json.getParent());
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), f);
        System.out.println("wrote " + json);
    }

    static List<ProfileColumn> columns() {
        List<ProfileColumn> columns = new ArrayList<>();
        for (int c = 0; c < NUMBERS; c++) {
            columns.add(new ProfileColumn("n" + c, ColumnKind.NUMBER));
        }
        for (int c = 0; c < TEXTS; c++) {
            columns.add(new ProfileColumn("t" + c, ColumnKind.TEXT));
        }
        return columns;
    }

    private static List<String> drifted(DriftComparison comparison) {
        return comparison.features().stream().filter(FeatureComparison::drifted).map(FeatureComparison::feature).toList();
    }

    private static Map<String, Long> tests(DriftComparison comparison) {
        Map<String, Long> counts = new LinkedHashMap<>();
        comparison.features().forEach(feature -> counts.merge(feature.test().name(), 1L, Long::sum));
        return counts;
    }

    /** Columnar test data; {@code shift} moves features n0, n4, n8 and t0, t1 (the last two by reshuffling shares). */
    private static final class Table {

        private final double[][] numbers;
        private final int[][] codes;
        private final String[][] vocabulary;
        private final String[][] texts;
        private final int rows;

        private Table(int rows) {
            this.rows = rows;
            numbers = new double[NUMBERS][rows];
            codes = new int[TEXTS][rows];
            vocabulary = new String[TEXTS][];
            texts = new String[TEXTS][rows];
        }

        static Table generate(int rows, double shift, long seed) {
            Table table = new Table(rows);
            SplittableRandom random = new SplittableRandom(seed);
            for (int c = 0; c < NUMBERS; c++) {
                double[] column = table.numbers[c];
                double moved = c % 4 == 0 && c < 12 ? shift : 0.0;
                for (int i = 0; i < rows; i++) {
                    column[i] = switch (c % 4) {
                        case 0 -> 50 + 10 * (random.nextGaussian() + moved);
                        case 1 -> Math.exp(random.nextGaussian());
                        case 2 -> c == 14 ? random.nextInt(2) : random.nextInt(18, 91);
                        default -> i % 97 == 0 ? Double.NaN : random.nextDouble();
                    };
                }
            }
            for (int c = 0; c < TEXTS; c++) {
                int size = VOCABULARIES[c];
                String[] words = new String[size];
                for (int k = 0; k < size; k++) {
                    words[k] = "value-" + c + "-" + k;
                }
                table.vocabulary[c] = words;
                boolean moved = c < 2 && shift != 0.0;
                for (int i = 0; i < rows; i++) {
                    // Skewed: low codes are common; a shift reverses the order.
                    int code = (int) Math.min(size - 1, Math.floor(-Math.log(1 - random.nextDouble()) * size / 6));
                    table.codes[c][i] = moved ? size - 1 - code : code;
                }
            }
            return table;
        }

        /** New string objects (equal values, hash not computed), as a parser would hand over. */
        void freshStrings() {
            for (int c = 0; c < TEXTS; c++) {
                for (int i = 0; i < rows; i++) {
                    texts[c][i] = new String(vocabulary[c][codes[c][i]]);
                }
            }
        }

        double sum() {
            double total = 0;
            for (double[] column : numbers) {
                for (int i = 0; i < rows; i++) {
                    double value = column[i];
                    if (value == value) {
                        total += value;
                    }
                }
            }
            for (String[] column : texts) {
                for (int i = 0; i < rows; i++) {
                    total += column[i].length();
                }
            }
            return total;
        }

        Profile profileColumnar(List<ProfileColumn> columns) {
            if (texts[0][0] == null) {
                freshStrings();
            }
            ProfileBuilder builder = new ProfileBuilder(columns);
            for (int from = 0; from < rows; from += BATCH) {
                int to = Math.min(rows, from + BATCH);
                for (int c = 0; c < NUMBERS; c++) {
                    builder.numbers(c, numbers[c], from, to);
                }
                for (int c = 0; c < TEXTS; c++) {
                    builder.texts(NUMBERS + c, texts[c], from, to);
                }
                builder.endRows(to - from);
            }
            return builder.build();
        }

        Profile profileRowwise(List<ProfileColumn> columns) {
            ProfileBuilder builder = new ProfileBuilder(columns);
            for (int i = 0; i < rows; i++) {
                for (int c = 0; c < NUMBERS; c++) {
                    builder.number(c, numbers[c][i]);
                }
                for (int c = 0; c < TEXTS; c++) {
                    builder.text(NUMBERS + c, texts[c][i]);
                }
                builder.endRow();
            }
            return builder.build();
        }
    }
}
