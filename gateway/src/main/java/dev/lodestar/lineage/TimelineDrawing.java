package dev.lodestar.lineage;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * "What served when" for one deployment as an SVG timeline: time runs left to right from its creation to now (or
 * its deletion); the primary lane shows each period's version and the approval it served under, the canary and
 * shadow lanes the versions that took a share of traffic or a mirrored copy of it.
 *
 * @param width  the drawing's width
 * @param height its height
 * @param lanes  the lane labels
 * @param bars   one per period and role
 * @param ticks  time marks along the bottom
 */
public record TimelineDrawing(int width, int height, List<Lane> lanes, List<Bar> bars, List<Tick> ticks) {

    static final int WIDTH = 960;
    static final int LEFT = 70;
    static final int RIGHT = 16;
    private static final int TICKS = 5;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** Where the time marks' text sits. */
    public int tickY() {
        return height - 8;
    }

    /** A lane's label and place. */
    public record Lane(String name, int y, int height) {

        public int labelY() {
            return y + height / 2 + 4;
        }

        public int bottom() {
            return y + height;
        }
    }

    /**
     * A version served over a period.
     *
     * @param shade   which of the palette's shades colours it (by version, so one version keeps its colour)
     * @param label   the version, and in the primary lane the approval, shortened to fit the bar
     * @param title   the full story, for the tooltip
     */
    public record Bar(int x, int y, int width, int height, int shade, String label, String title) {

        public int textX() {
            return x + 4;
        }

        public int textY() {
            return y + height / 2 + 4;
        }
    }

    /** A time mark. */
    public record Tick(int x, String text) {
    }

    /** Draws {@code periods} (oldest first) up to {@code now}. */
    public static TimelineDrawing of(List<ServingPeriod> periods, Instant now) {
        List<Lane> lanes = List.of(new Lane("primary", 10, 40), new Lane("canary", 58, 22), new Lane("shadow", 86, 22));
        int height = 140;
        if (periods.isEmpty()) {
            return new TimelineDrawing(WIDTH, height, lanes, List.of(), List.of());
        }
        Instant start = periods.get(0).from();
        Instant last = periods.get(periods.size() - 1).to();
        Instant end = last != null ? last : now.isAfter(start) ? now : start.plusSeconds(1);
        double span = Math.max(1, Duration.between(start, end).toMillis());
        int usable = WIDTH - LEFT - RIGHT;
        List<Bar> bars = new ArrayList<>();
        for (ServingPeriod period : periods) {
            Instant to = period.to() == null ? end : period.to();
            int x = LEFT + (int) Math.round(Duration.between(start, period.from()).toMillis() / span * usable);
            int x2 = LEFT + (int) Math.round(Duration.between(start, to).toMillis() / span * usable);
            int width = Math.max(2, x2 - x);
            String story = period.model() + " v" + period.version() + " from " + period.from() + (period.to() == null ? " on" : " to " + period.to())
                    + " (" + period.reason().toLowerCase().replace('_', ' ') + " by " + period.actor()
                    + (period.approvalId() == null ? "" : ", under promotion request " + period.approvalId()) + ")";
            String label = "v" + period.version() + (period.approvalId() == null ? "" : " · request " + period.approvalId());
            bars.add(new Bar(x, lanes.get(0).y(), width, lanes.get(0).height(), period.version() % 8, fit(label, width), story));
            if (period.canaryVersion() != null) {
                bars.add(new Bar(x, lanes.get(1).y(), width, lanes.get(1).height(), period.canaryVersion() % 8,
                        fit("v" + period.canaryVersion() + " " + period.canaryPercent() + "%", width),
                        "canary v" + period.canaryVersion() + " at " + period.canaryPercent() + "% from " + period.from()));
            }
            if (period.shadowVersion() != null) {
                bars.add(new Bar(x, lanes.get(2).y(), width, lanes.get(2).height(), period.shadowVersion() % 8,
                        fit("v" + period.shadowVersion(), width), "shadow v" + period.shadowVersion() + " from " + period.from()));
            }
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i < TICKS; i++) {
            double share = i / (double) (TICKS - 1);
            ticks.add(new Tick(LEFT + (int) Math.round(share * usable), TIME.format(start.plusMillis((long) (share * span)))));
        }
        return new TimelineDrawing(WIDTH, height, lanes, bars, ticks);
    }

    /** The label if about 6.5 pixels a character fit in the bar, else as much as fits (nothing below three characters). */
    private static String fit(String label, int width) {
        int fits = (width - 8) * 2 / 13;
        if (label.length() <= fits) {
            return label;
        }
        return fits < 3 ? "" : label.substring(0, fits - 1) + "…";
    }
}
