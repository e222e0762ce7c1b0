package dev.lodestar.inference.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code ./lodestar bench inference}: every serving figure in one process on this machine, each beside the floor
 * it is judged against (Tribuo's own in-process predict, a plain grpc-java echo of a same-size payload measured
 * in the same run). Prints a table and writes {@code data/bench/inference.json}.
 */
public final class InferenceBench {

    private InferenceBench() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "data");
        Map<String, Number> f = HotSwapBench.all(Files.createTempDirectory("lodestar-bench"));

        System.out.println("Inference, logistic regression over 20 numeric features; "
                + Runtime.getRuntime().availableProcessors() + " cores, load generator in the same process");
        System.out.printf("%-44s %12s   %s%n", "measure", "value", "compared with");
        row("in-process Tribuo predict p50 (floor)", f, "inprocess_p50_us", "us", "");
        row("in-process XGBoost single row p50", f, "xgboost_inprocess_p50_us", "us", "target < 50 us");
        row("grpc-java unary echo p50 (floor)", f, "echo_p50_us", "us", "same payload size as Predict");
        row("Predict p50, 1 in flight", f, "predict_p50_us", "us",
                String.format("%.2fx the echo (target <= 1.5x)", f.get("predict_echo_p50_ratio").doubleValue()));
        row("Predict p99, 1 in flight", f, "predict_p99_us", "us", "");
        row("Predict throughput, 16 in flight", f, "unary_rps_c16", "/s",
                String.format("echo %.0f/s (target >= 20,000)", f.get("echo_rps_c16").doubleValue()));
        row("Predict throughput, 64 in flight", f, "unary_rps_c64", "/s",
                String.format("echo %.0f/s (target >= 20,000)", f.get("echo_rps_c64").doubleValue()));
        row("PredictStream, positional rows", f, "stream_rows_per_s", "rows/s", "target >= 200,000");
        row("PredictStream, named rows", f, "stream_named_rows_per_s", "rows/s", "");
        row("profile hand-off per row (predict thread)", f, "drift_handoff_ns", "ns",
                String.format("%.3f%% of Predict p50", f.get("drift_handoff_ns").doubleValue() / 10
                        / f.get("predict_p50_us").doubleValue()));
        row("profile folding (background thread)", f, "drift_fold_rows_per_s", "rows/s", "20 numbers and a label per row");
        row("hot swaps under constant load", f, "hot_swaps", "", String.format("%s failed (target 0)", f.get("hot_swap_failed")));
        row("p99 while swapping / steady p99", f, "hot_swap_p99_ratio", "x", String.format("%.0f us / %.0f us (target <= 2x)",
                f.get("swap_p99_us").doubleValue(), f.get("steady_p99_us").doubleValue()));

        Path json = data.resolve("bench/inference.json");
        Files.createDirectories(json.getParent());
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), f);
        System.out.println("wrote " + json);
        System.exit(0);
    }

    private static void row(String label, Map<String, Number> figures, String key, String unit, String comparison) {
        double value = figures.get(key).doubleValue();
        String shown = value >= 1000 ? String.format("%,.0f", value) : String.format("%.2f", value);
        System.out.printf("%-44s %12s %-6s %s%n", label, shown, unit, comparison);
    }
}
