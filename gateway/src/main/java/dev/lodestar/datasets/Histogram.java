package dev.lodestar.datasets;

import java.util.ArrayList;
import java.util.List;

import dev.lodestar.web.LineChart;

/**
 * A numeric column's histogram as server-rendered SVG: one bar per bin, heights relative to the fullest bin.
 *
 * @param title   what the chart shows, for its caption and accessible name
 * @param bars    the bars, left to right
 * @param low     label of the lowest value
 * @param high    label of the highest value
 * @param tallest the count of the fullest bin
 */
public record Histogram(String title, List<Bar> bars, String low, String high, long tallest) {

    static final int WIDTH = 400;
    static final int HEIGHT = 120;
    static final int BASELINE = 100;

    /** A bar of the chart, in SVG coordinates, with its bin for the tooltip. */
    public record Bar(double x, double y, double width, double height, String label) {
    }

    public int width() {
        return WIDTH;
    }

    public int height() {
        return HEIGHT;
    }

    public int baseline() {
        return BASELINE;
    }

    /** The histogram of a profiled numeric column; null for a column without one. */
    static Histogram of(ColumnProfile column) {
        if (column.histogram() == null || column.histogram().isEmpty()) {
            return null;
        }
        List<ColumnProfile.HistogramBin> bins = column.histogram();
        long tallest = bins.stream().mapToLong(ColumnProfile.HistogramBin::count).max().orElse(0);
        double slot = (double) WIDTH / bins.size();
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < bins.size(); i++) {
            ColumnProfile.HistogramBin bin = bins.get(i);
            double height = tallest == 0 ? 0 : (double) BASELINE * bin.count() / tallest;
            bars.add(new Bar(round(i * slot + 1), round(BASELINE - height), round(Math.max(slot - 2, 1)), round(height),
                    LineChart.label(bin.low()) + " to " + LineChart.label(bin.high()) + ": " + bin.count()));
        }
        return new Histogram("Histogram of " + column.name(), bars, LineChart.label(column.min()), LineChart.label(column.max()),
                tallest);
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
