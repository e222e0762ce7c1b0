package dev.lodestar.k8s.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Java runtime put in every image: a jlink image of the modules the gateway and the inference server use,
 * linked from a JDK's jmods (Debian: package openjdk-17-jmods).
 */
final class JavaRuntime {

    /** The Java SE modules, plus the JDK modules the apps use (HTTP server, EC crypto, JFR, DNS, Unsafe, zip fs). */
    static final String MODULES = String.join(",", "java.se", "jdk.crypto.ec", "jdk.crypto.cryptoki",
            "jdk.httpserver", "jdk.jfr", "jdk.management", "jdk.management.jfr", "jdk.naming.dns", "jdk.net",
            "jdk.unsupported", "jdk.zipfs", "jdk.localedata");

    private JavaRuntime() {
    }

    /**
     * The JDK to link from: {@code configured} if given, else the running one, else the first under
     * /usr/lib/jvm, whichever has a jmods folder.
     */
    static Path jdk(Optional<Path> configured) throws IOException {
        if (configured.isPresent()) {
            return requireJmods(configured.get());
        }
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of(System.getProperty("java.home")));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> list = Files.list(jvms)) {
                list.sorted().forEach(candidates::add);
            }
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve("jmods/java.base.jmod"))
                    && Files.isExecutable(candidate.resolve("bin/jlink"))) {
                return candidate.toRealPath();
            }
        }
        throw new IllegalStateException("no JDK with jmods found (looked at " + candidates + "): install the jmods"
                + " (Debian: apt-get install openjdk-17-jmods) or set -Dlodestar.image.jdk=<a JDK with jmods>");
    }

    /** Links the runtime into {@code target} (which must not exist yet) and returns it. */
    static Path link(Path jdk, Path target) throws IOException, InterruptedException {
        List<String> command = List.of(jdk.resolve("bin/jlink").toString(),
                "--module-path", jdk.resolve("jmods").toString(),
                "--add-modules", MODULES,
                "--strip-debug", "--no-man-pages", "--no-header-files",
                "--output", target.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("jlink failed: " + output);
        }
        return target;
    }

    private static Path requireJmods(Path jdk) {
        if (!Files.isRegularFile(jdk.resolve("jmods/java.base.jmod"))) {
            throw new IllegalStateException(jdk + " has no jmods folder; choose a JDK that has one");
        }
        return jdk;
    }
}
