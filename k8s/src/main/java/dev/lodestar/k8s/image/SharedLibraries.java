package dev.lodestar.k8s.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The host's shared libraries that native code in an image links against: what {@code ldd} reports for the
 * runtime's executables and libraries, and for the Linux x86-64 libraries that jars unpack at run time
 * (XGBoost needs libgomp and libstdc++, gRPC's epoll transport only libc).
 */
final class SharedLibraries {

    private static final Pattern RESOLVED = Pattern.compile("=>\\s+(/\\S+)\\s+\\(0x");
    private static final Pattern LOADER = Pattern.compile("^\\s*(/\\S+)\\s+\\(0x");
    private static final Pattern MISSING = Pattern.compile("^\\s*(\\S+)\\s+=>\\s+not found");

    /** The runtime's libraries for windows, splash screens and sound, which a server never loads. */
    private static final Set<String> DESKTOP_ONLY = Set.of("libawt_xawt.so", "libsplashscreen.so", "libjsound.so");

    private final Set<Path> libraries = new TreeSet<>();
    private final Path runtime;
    private final Path scratch;

    /**
     * @param runtime the image's Java runtime, whose own libraries (libjvm.so and the rest) need not come from the host
     * @param scratch where native libraries inside jars are unpacked to be examined
     */
    SharedLibraries(Path runtime, Path scratch) {
        this.runtime = runtime;
        this.scratch = scratch;
    }

    /** Adds the dependencies of every ELF file under {@code tree}. */
    SharedLibraries ofTree(Path tree) throws IOException, InterruptedException {
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path file : walk.filter(Files::isRegularFile).filter(SharedLibraries::isElf)
                    .filter(f -> !DESKTOP_ONLY.contains(f.getFileName().toString())).toList()) {
                ldd(file);
            }
        }
        return this;
    }

    /** Adds the dependencies of the Linux x86-64 native libraries inside the jars under {@code tree}. */
    SharedLibraries ofJarsIn(Path tree) throws IOException, InterruptedException {
        Files.createDirectories(scratch);
        List<Path> jars;
        try (Stream<Path> walk = Files.walk(tree)) {
            jars = walk.filter(p -> p.toString().endsWith(".jar")).toList();
        }
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    String name = entry.getName();
                    if (name.endsWith(".so") && isLinuxX64(name)) {
                        Path unpacked = Files.createTempFile(scratch, "native", ".so");
                        try (InputStream in = zip.getInputStream(entry)) {
                            Files.copy(in, unpacked, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                        ldd(unpacked);
                        Files.delete(unpacked);
                    }
                }
            }
        }
        return this;
    }

    /** The libraries found, by their path on this host (which is also their path in the image). */
    Set<Path> paths() {
        return libraries;
    }

    private static boolean isLinuxX64(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        boolean linux = lower.contains("linux") || lower.contains("meta-inf/native/");
        boolean x64 = lower.contains("x86_64") || lower.contains("amd64") || lower.contains("x86-64");
        return linux && x64 && !lower.contains("musl") && !lower.contains("alpine");
    }

    private void ldd(Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("ldd", file.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        for (String line : output.split("\n")) {
            Matcher missing = MISSING.matcher(line);
            if (missing.find() && !inRuntime(missing.group(1))) {
                throw new IllegalStateException(file.getFileName() + " needs " + missing.group(1) + ", which is not"
                        + " installed on this machine; install it (Debian: libgomp1 for libgomp.so.1) and build again");
            }
            Matcher resolved = RESOLVED.matcher(line);
            Matcher loader = LOADER.matcher(line);
            Path library = resolved.find() ? Path.of(resolved.group(1)) : loader.find() ? Path.of(loader.group(1)) : null;
            if (library != null && isSystemLibrary(library.normalize())) {
                libraries.add(library.normalize());
            }
        }
    }

    private boolean inRuntime(String name) throws IOException {
        try (Stream<Path> walk = Files.walk(runtime)) {
            return walk.anyMatch(p -> p.getFileName().toString().equals(name));
        }
    }

    private static boolean isSystemLibrary(Path library) {
        String path = library.toString();
        return (path.startsWith("/lib/") || path.startsWith("/lib64/") || path.startsWith("/usr/lib/"))
                && !path.contains("/jvm/");
    }

    private static boolean isElf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }
}
