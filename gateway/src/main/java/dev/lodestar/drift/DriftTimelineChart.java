package dev.lodestar.drift;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.lodestar.web.LineChart;

/**
 * The drift share of each window over the period, the windows with dataset drift marked, and the share from
 * which a window drifts as a dashed line.
 *
 * @param title     caption and accessible name
 * @param width     viewBox width
 * @param height    viewBox height
 * @param plot      the plot area
 * @param points    the polyline's points
 * @param marks     one dot per window
 * @param threshold y of the dataset-drift line
 * @param yTicks    labels of the share axis
 * @param xTicks    labels of the time axis
 * @param summary   a text alternative
 */
public record DriftTimelineChart(String title, int width, int height, LineChart.Area plot, String points, List<Mark> marks,
        double threshold, List<LineChart.Tick> yTicks, List<LineChart.Tick> xTicks, String summary) {

    /** A window's dot; {@code drift} marks dataset drift. */
    public record Mark(double x, double y, boolean drift, String label) {
    }

    static DriftTimelineChart of(List<DriftPoint> points, Instant from, Instant to, double driftShare) {
        int width = 640;
        int height = 220;
        LineChart.Area plot = new LineChart.Area(48, 12, width - 48 - 16, height - 12 - 36);
        double span = Math.max(1, Duration.between(from, to).toMillis());
        StringBuilder line = new StringBuilder();
        List<Mark> marks = new ArrayList<>();
        int drifted = 0;
        for (DriftPoint point : points) {
            Instant middle = point.start().plus(Duration.between(point.start(), point.end()).dividedBy(2));
            double fraction = Math.min(1, Math.max(0, Duration.between(from, middle).toMillis() / span));
            double x = DriftFormats.round(plot.x() + fraction * plot.width());
            double y = DriftFormats.round(plot.bottom() - point.driftShare() * plot.height());
            line.append(x).append(',').append(y).append(' ');
            drifted += point.datasetDrift() ? 1 : 0;
            marks.add(new Mark(x, y, point.datasetDrift(), DriftFormats.CLOCK.format(point.start()) + " to " + DriftFormats.CLOCK.format(point.end())
                    + " UTC: " + point.rows() + " rows, " + DriftFormats.percent(point.driftShare()) + " of features drifted"
                    + (point.driftedFeatures().isEmpty() ? "" : " (" + String.join(", ", point.driftedFeatures()) + ")")
                    + (point.datasetDrift() ? "; dataset drift" : "")));
        }
        List<LineChart.Tick> yTicks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            yTicks.add(new LineChart.Tick(DriftFormats.round(plot.bottom() - i / 4.0 * plot.height()), DriftFormats.percent(i / 4.0)));
        }
        List<LineChart.Tick> xTicks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            xTicks.add(new LineChart.Tick(DriftFormats.round(plot.x() + i / 4.0 * plot.width()),
                    DriftFormats.CLOCK.format(from.plusMillis((long) (span * i / 4)))));
        }
        String summary = points.size() + " windows, " + drifted + " with dataset drift";
        return new DriftTimelineChart("Share of drifted features per window", width, height, plot, line.toString().trim(), marks,
                DriftFormats.round(plot.bottom() - driftShare * plot.height()), yTicks, xTicks, summary);
    }
}
