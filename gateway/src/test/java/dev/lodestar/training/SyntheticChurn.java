package dev.lodestar.training;

import java.util.Locale;
import java.util.Random;

/**
 * Synthetic customer rows for training tests and the demo dataset, from a fixed rule and a seed (no real
 * people). Columns: {@code tenure_months} (1-72), {@code monthly_charges} (20-120), {@code plan}
 * (basic/standard/pro), {@code support_calls} (0-6), {@code region} (north/south/east/west), {@code churned}
 * (0/1) and {@code lifetime_value}. A customer churns when
 * {@code 0.6 * support_calls + (plan == basic ? 1 : 0) + monthly_charges / 50 - tenure_months / 18 > 1.2};
 * {@code lifetime_value = 30 * tenure_months + 2 * monthly_charges + (plan == pro ? 150 : 0)} plus noise of up
 * to 20. With {@code noise} > 0 that share of labels is flipped and that share of monthly charges left empty.
 */
public final class SyntheticChurn {

    private static final String[] PLANS = { "basic", "standard", "pro" };
    private static final String[] REGIONS = { "north", "south", "east", "west" };

    private SyntheticChurn() {
    }

    /** {@code rows} rows of CSV with a header, from {@code seed}. */
    public static String csv(int rows, long seed, double noise) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("tenure_months,monthly_charges,plan,support_calls,region,churned,lifetime_value\n");
        for (int i = 0; i < rows; i++) {
            int tenure = 1 + random.nextInt(72);
            double charges = Math.round((20 + random.nextDouble() * 100) * 100) / 100.0;
            String plan = PLANS[random.nextInt(PLANS.length)];
            int calls = random.nextInt(7);
            String region = REGIONS[random.nextInt(REGIONS.length)];
            double score = 0.6 * calls + (plan.equals("basic") ? 1 : 0) + charges / 50 - tenure / 18.0;
            int churned = score > 1.2 ? 1 : 0;
            if (random.nextDouble() < noise) {
                churned = 1 - churned;
            }
            double value = 30 * tenure + 2 * charges + (plan.equals("pro") ? 150 : 0) + (random.nextDouble() * 40 - 20);
            boolean missing = random.nextDouble() < noise;
            csv.append(tenure).append(',').append(missing ? "" : String.format(Locale.ROOT, "%.2f", charges)).append(',')
                    .append(plan).append(',').append(calls).append(',').append(region).append(',').append(churned).append(',')
                    .append(String.format(Locale.ROOT, "%.2f", value)).append('\n');
        }
        return csv.toString();
    }

    /** Writes the demo dataset: {@code SyntheticChurn <file> [rows] [seed]} (defaults 500 rows, seed 42, 3% noise). */
    public static void main(String[] args) throws java.io.IOException {
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]), csv(rows, seed, 0.03));
    }
}
