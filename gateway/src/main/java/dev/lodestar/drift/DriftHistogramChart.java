package dev.lodestar.drift;

import java.util.ArrayList;
import java.util.List;

import dev.lodestar.web.LineChart;

/**
 * A feature's reference and live shares side by side per bin.
 *
 * @param title   caption and accessible name
 * @param width   viewBox width
 * @param height  viewBox height
 * @param baseline y of the bars' bottom
 * @param bars    the bars, a reference and a live one per bin
 * @param first   label of the first bin
 * @param last    label of the last bin
 * @param summary a text alternative
 */
public record DriftHistogramChart(String title, int width, int height, int baseline, List<Bar> bars, String first, String last,
        String summary) {

    /** A bar: {@code live} tells the live bar from the reference one; {@code label} is its tooltip. */
    public record Bar(double x, double y, double width, double height, boolean live, String label) {
    }

    static DriftHistogramChart of(FeatureDrift feature) {
        int width = 400;
        int height = 140;
        int baseline = 118;
        List<String> bins = feature.histogram().bins();
        List<Double> reference = feature.histogram().reference();
        List<Double> current = feature.histogram().current();
        double tallest = 0;
        for (int i = 0; i < bins.size(); i++) {
            tallest = Math.max(tallest, Math.max(reference.get(i), current.get(i)));
        }
        double slot = bins.isEmpty() ? width : (double) width / bins.size();
        double bar = Math.max((slot - 2) / 2, 0.5);
        List<Bar> bars = new ArrayList<>(bins.size() * 2);
        for (int i = 0; i < bins.size(); i++) {
            double x = i * slot + 1;
            double r = tallest == 0 ? 0 : (baseline - 4) * reference.get(i) / tallest;
            double c = tallest == 0 ? 0 : (baseline - 4) * current.get(i) / tallest;
            bars.add(new Bar(DriftFormats.round(x), DriftFormats.round(baseline - r), DriftFormats.round(bar), DriftFormats.round(r), false,
                    bins.get(i) + ": reference " + DriftFormats.percent(reference.get(i))));
            bars.add(new Bar(DriftFormats.round(x + bar), DriftFormats.round(baseline - c), DriftFormats.round(bar), DriftFormats.round(c), true,
                    bins.get(i) + ": live " + DriftFormats.percent(current.get(i))));
        }
        String title = "Reference and live distribution of " + feature.feature();
        return new DriftHistogramChart(title, width, height, baseline, bars, bins.isEmpty() ? "" : bins.get(0),
                bins.isEmpty() ? "" : bins.get(bins.size() - 1),
                bins.size() + " bins; " + feature.test() + " statistic " + LineChart.label(feature.statistic())
                        + (feature.drifted() ? ", drifted" : ", no drift"));
    }
}
