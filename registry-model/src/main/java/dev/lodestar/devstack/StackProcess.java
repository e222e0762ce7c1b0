package dev.lodestar.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One process of the local stack, started detached from the terminal so it outlives {@code ./lodestar up},
 * and found again later through its pid file.
 *
 * <p>A process is recognised by a text its command line carries: {@code -Dlodestar.component=NAME} for the
 * Java processes the stack starts, or a path only it uses. A pid file whose process lacks it (the pid was
 * reused) is treated as stale, so {@code down} never signals a stranger.
 */
final class StackProcess {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final String name;
    private final Path pidFile;
    private final Path logFile;
    private final String signature;

    StackProcess(String name, Path data) {
        this(name, data, null);
    }

    /** A process recognised by {@code signature} in its command line instead of the marker option. */
    StackProcess(String name, Path data, String signature) {
        this.name = name;
        this.signature = signature == null ? marker() : signature;
        this.pidFile = data.resolve("run").resolve(name + ".pid");
        this.logFile = data.resolve("logs").resolve(name + ".log");
    }

    String name() {
        return name;
    }

    /** Where the process's output goes, relative to the checkout when possible. */
    Path logFile() {
        return logFile;
    }

    /** The JVM option that marks a process as this component. */
    final String marker() {
        return "-Dlodestar.component=" + name;
    }

    /** The running process, if the pid file names a live process of this component. */
    Optional<ProcessHandle> running() {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().commandLine().map(line -> line.contains(signature)).orElse(false));
            if (handle.isEmpty()) {
                Files.deleteIfExists(pidFile);
            }
            return handle;
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts {@code builder} in a session of its own with output to the log file (the previous log is kept
     * as {@code NAME.log.1}) and records its pid.
     */
    ProcessHandle start(ProcessBuilder builder) {
        try {
            Files.createDirectories(pidFile.getParent());
            Files.createDirectories(logFile.getParent());
            if (Files.exists(logFile)) {
                Files.move(logFile, logFile.resolveSibling(name + ".log.1"), StandardCopyOption.REPLACE_EXISTING);
            }
            if (Files.isExecutable(SETSID)) {
                builder.command().add(0, SETSID.toString());
            }
            builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Process process = builder.start();
            Files.writeString(pidFile, Long.toString(process.pid()));
            return process.toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Asks the process and everything it started to stop (SIGTERM, children first, since a launcher script
     * may not pass the signal on), and kills what has not stopped within {@code grace}.
     */
    static void stop(ProcessHandle handle, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>(handle.descendants().toList());
        Collections.reverse(tree);
        tree.add(handle);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle process : tree) {
            try {
                process.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
                process.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> process).join();
            }
        }
    }

    /** Stops the running process of this component, if any, and forgets its pid. */
    boolean stop(Duration grace) {
        Optional<ProcessHandle> handle = running();
        handle.ifPresent(h -> stop(h, grace));
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return handle.isPresent();
    }
}
