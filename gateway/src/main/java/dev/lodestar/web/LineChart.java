package dev.lodestar.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart laid out for server-side SVG: the series scaled into the plot area, with "nice" axis ticks.
 * The template {@code charts/line.html} draws it; this class does the arithmetic.
 *
 * @param title   shown above the plot
 * @param width   of the SVG viewBox
 * @param height  of the SVG viewBox
 * @param points  the polyline's {@code points} attribute (x,y pairs in viewBox units)
 * @param marks   single points drawn as dots (a series of one point has no line)
 * @param xTicks  ticks of the horizontal axis (steps)
 * @param yTicks  ticks of the vertical axis (values)
 * @param plot    the plot area inside the viewBox
 * @param summary a text alternative: points, range and last value
 */
public record LineChart(String title, int width, int height, String points, List<Mark> marks, List<Tick> xTicks,
        List<Tick> yTicks, Area plot, String summary) {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 240;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 16;
    private static final int BOTTOM = 36;

    /** A point of the series: x (e.g. step) and y (value). */
    public record Point(double x, double y) {
    }

    /** An axis tick: its position in viewBox units and its label. */
    public record Tick(double position, String label) {

        /** Where a label beside a horizontal grid line sits: centred on the line. */
        public double labelBaseline() {
            return position + 4;
        }
    }

    /** A dot at a position in viewBox units. */
    public record Mark(double x, double y) {
    }

    /** A rectangle in viewBox units. */
    public record Area(double x, double y, double width, double height) {

        public double right() {
            return x + width;
        }

        public double bottom() {
            return y + height;
        }

        /** Where the value labels of the vertical axis end. */
        public double valueLabelEnd() {
            return x - 6;
        }

        /** The baseline of the step labels under the plot. */
        public double stepLabelBaseline() {
            return bottom() + 16;
        }

        /** The horizontal middle of the plot. */
        public double centre() {
            return x + width / 2;
        }
    }

    /** Lays out {@code series} (in x order) for drawing. */
    public static LineChart of(String title, List<Point> series) {
        Area plot = new Area(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        if (series.isEmpty()) {
            return new LineChart(title, WIDTH, HEIGHT, "", List.of(), List.of(), List.of(), plot, "no points");
        }
        double minX = series.get(0).x();
        double maxX = series.get(series.size() - 1).x();
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (Point point : series) {
            minY = Math.min(minY, point.y());
            maxY = Math.max(maxY, point.y());
        }
        Range xRange = Range.nice(minX, maxX);
        Range yRange = Range.nice(minY, maxY);

        StringBuilder points = new StringBuilder(series.size() * 16);
        List<Mark> marks = new ArrayList<>();
        for (Point point : series) {
            double x = plot.x() + xRange.fraction(point.x()) * plot.width();
            double y = plot.bottom() - yRange.fraction(point.y()) * plot.height();
            points.append(format(x)).append(',').append(format(y)).append(' ');
            if (series.size() == 1) {
                marks.add(new Mark(x, y));
            }
        }
        List<Tick> xTicks = new ArrayList<>();
        for (double value : xRange.ticks()) {
            xTicks.add(new Tick(plot.x() + xRange.fraction(value) * plot.width(), label(value)));
        }
        List<Tick> yTicks = new ArrayList<>();
        for (double value : yRange.ticks()) {
            yTicks.add(new Tick(plot.bottom() - yRange.fraction(value) * plot.height(), label(value)));
        }
        Point last = series.get(series.size() - 1);
        String summary = String.format(Locale.ROOT, "%d points, from %s to %s, last %s at step %s", series.size(),
                label(minY), label(maxY), label(last.y()), label(last.x()));
        return new LineChart(title, WIDTH, HEIGHT, points.toString().trim(), marks, xTicks, yTicks, plot, summary);
    }

    /** An axis range widened to round numbers, with about five ticks. */
    record Range(double low, double high, double step) {

        static Range nice(double min, double max) {
            if (min == max) {
                double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
                min -= pad;
                max += pad;
            }
            double step = niceStep((max - min) / 5);
            return new Range(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
        }

        double fraction(double value) {
            return (value - low) / (high - low);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            for (int i = 0; low + i * step <= high + step / 2 && i <= 20; i++) {
                ticks.add(low + i * step);
            }
            return ticks;
        }

        private static double niceStep(double rough) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
            double residual = rough / magnitude;
            double nice = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10;
            return nice * magnitude;
        }
    }

    /** A short label: up to 4 significant digits, no exponent for everyday magnitudes. */
    public static String label(double value) {
        if (value == 0) {
            return "0";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1e6 || magnitude < 1e-4) {
            return String.format(Locale.ROOT, "%.3g", value);
        }
        String text = String.format(Locale.ROOT, "%.4g", value);
        if (text.contains(".")) {
            text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return text;
    }

    private static String format(double coordinate) {
        return String.format(Locale.ROOT, "%.1f", coordinate);
    }
}
