package dev.lodestar.datasets;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.tribuo.InputSchema.ColumnType;

/**
 * What one column of a dataset holds, as profiled when it was uploaded. Stored as JSON with the version and
 * shown as it is over GraphQL. Numeric fields are null for text columns and text fields null for numeric ones.
 *
 * @param count          non-empty cells
 * @param missing        empty cells; {@code count + missing} is the row count
 * @param stddev         sample standard deviation (n - 1); null below two values
 * @param quantiles      p01, p05, p25, p50, p75, p95, p99
 * @param quantilesExact false when the column had more values than the quantile sketch keeps
 * @param histogram      20 equal bins from min to max
 * @param distinct       distinct values, counted up to a cap
 * @param distinctCapped true when there were more distinct values than the cap
 * @param topValues      the most frequent values, most frequent first
 */
@Type("ColumnProfile")
@Description("The profile of one column: counts, and for numbers their spread, for text their most frequent values.")
public record ColumnProfile(
        @NonNull String name,
        @NonNull ColumnType type,
        @Description("Non-empty cells.") long count,
        @Description("Empty cells.") long missing,
        Double min,
        Double max,
        Double mean,
        @Description("Sample standard deviation; null below two values.") Double stddev,
        @Description("p01, p05, p25, p50, p75, p95 and p99.") List<@NonNull Quantile> quantiles,
        @Description("False when the quantiles and histogram are estimates from a sketch (rank error under 0.5%).") Boolean quantilesExact,
        @Description("Equal-width bins from min to max.") List<@NonNull HistogramBin> histogram,
        @Description("Distinct values, counted up to " + TextCounts.CAP + ".") Long distinct,
        @Description("True when there are more distinct values than counted.") Boolean distinctCapped,
        @Description("The most frequent values, most frequent first (values longer than " + TextCounts.MAX_VALUE
                + " characters are cut).") List<@NonNull ValueCount> topValues) {

    /** A quantile: {@code p} of the values are at most {@code value}. */
    @Type("Quantile")
    public record Quantile(double p, double value) {
    }

    /** A histogram bin: values from {@code low} up to (not including, but for the last bin) {@code high}. */
    @Type("HistogramBin")
    public record HistogramBin(double low, double high, long count) {
    }

    /** A text value and how often it occurs. */
    @Type("ValueCount")
    public record ValueCount(@NonNull String value, long count) {
    }
}
