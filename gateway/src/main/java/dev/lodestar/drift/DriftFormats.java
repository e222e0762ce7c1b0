package dev.lodestar.drift;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import io.quarkus.qute.TemplateExtension;

/** How the drift pages show shares; also used by the charts. */
@TemplateExtension
public class DriftFormats {

    static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private DriftFormats() {
    }

    /** A share as a percentage: {@code 0.25} is {@code 25%}, {@code 0.125} is {@code 12.5%}. */
    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100).replace(".0%", "%");
    }

    static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
