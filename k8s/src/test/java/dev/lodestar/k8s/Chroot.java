package dev.lodestar.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs an unpacked image's process without a container engine: in new user, mount and PID namespaces
 * ({@code unshare -Urmpf}), with its own /proc and the host's /dev, chrooted into the image's root file system,
 * with only the image's environment and the given variables. The network is the host's, so the test reaches
 * the process on loopback.
 */
final class Chroot implements AutoCloseable {

    private final Process process;
    private final Path log;

    private Chroot(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Chroot start(ImageArchive image, List<String> command, Map<String, String> env, Path log) throws IOException {
        Path root = image.rootfs;
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        List<String> line = new ArrayList<>(List.of(tool("unshare"), "-Urmpf", "--mount-proc=" + root.resolve("proc"),
                tool("sh"), "-c", tool("mount") + " --rbind /dev \"$0/dev\" && exec " + tool("chroot") + " \"$0\" \"$@\"",
                root.toString()));
        line.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        for (String variable : image.env()) {
            String[] pair = variable.split("=", 2);
            builder.environment().put(pair[0], pair[1]);
        }
        builder.environment().putAll(env);
        return new Chroot(builder.start(), log);
    }

    /** A host tool by its absolute path, so the image's PATH can be passed on unchanged. */
    private static String tool(String name) {
        for (String folder : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin")) {
            Path candidate = Path.of(folder, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is not installed (util-linux and coreutils provide unshare, mount and chroot)");
    }

    /** Runs to the end and returns the exit code. */
    int waitFor(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + limit + ":\n" + output());
        }
        return process.exitValue();
    }

    /** The image's process itself (the chroot's child, PID 1 of its namespace), as the host sees it. */
    Optional<ProcessHandle> imageProcess() {
        return process.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
