package dev.lodestar.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The figures of one fault scenario: requests sent, failed (an attempt the client saw refused or unanswered),
 * recovered (a request that failed at least once and then succeeded on retry), lost (acknowledged but missing
 * afterwards, or never accepted however often retried: must be zero), and timings. Printed and appended to
 * {@code target/fault-figures.txt}.
 */
final class FaultFigures {

    private static final Path FILE = Path.of("target/fault-figures.txt");

    private final String scenario;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong recovered = new AtomicLong();
    final AtomicLong lost = new AtomicLong();
    private final Map<String, Object> timings = new LinkedHashMap<>();

    FaultFigures(String scenario) {
        this.scenario = scenario;
    }

    /** Records a measured value (a duration in ms, a count) under {@code name}. */
    synchronized void note(String name, Object value) {
        timings.put(name, value);
    }

    /** Prints the figures and appends them to the figures file. */
    synchronized String publish() {
        StringBuilder line = new StringBuilder("FAULT ").append(scenario).append(": sent=").append(sent.get())
                .append(" failed=").append(failed.get()).append(" recovered=").append(recovered.get())
                .append(" lost=").append(lost.get());
        timings.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        try {
            Files.writeString(FILE, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line.toString();
    }
}
