package dev.lodestar.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.quarkus.qute.TemplateExtension;

/** How the admin shows times, durations and numbers. */
@TemplateExtension
public class Formats {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Formats() {
    }

    /** {@code 2026-01-31 12:00:00 UTC}; empty for null. */
    static String shown(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    /** A number to four significant digits. */
    static String shown(double value) {
        return LineChart.label(value);
    }

    /** The value encoded as one URL path segment: {@code /admin/models/{name.segment}}. */
    static String segment(String value) {
        return Links.segment(value);
    }

    /** The value encoded for a URL query parameter. */
    static String encoded(String value) {
        return Links.encode(value);
    }

    /** Items separated by commas, in their order. */
    static String joined(java.util.Collection<String> items) {
        return String.join(", ", items);
    }

    /** {@code 1h 02m}, {@code 3m 20s}, {@code 12s}; running runs count up to now. */
    static String until(Instant start, Instant end) {
        if (start == null) {
            return "";
        }
        Duration duration = Duration.between(start, end == null ? Instant.now() : end);
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds >= 3600) {
            return String.format("%dh %02dm", seconds / 3600, seconds % 3600 / 60);
        }
        if (seconds >= 60) {
            return String.format("%dm %02ds", seconds / 60, seconds % 60);
        }
        return seconds + "s";
    }
}
