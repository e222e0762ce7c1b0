package dev.lodestar.k8s.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Builds Lodestar's container images without a container engine: {@code lodestar/gateway:<version>} from the
 * gateway's {@code target/quarkus-app} and {@code lodestar/inference:<version>} from the inference server's jar
 * and {@code lib/}. Each image has two layers: a runtime (a linked Java runtime, the host's shared libraries it
 * and the apps' native code need, a passwd entry for user 10001, /tmp) and the application, owned by root and
 * read-only to the user that runs it.
 *
 * <p>Arguments: the project's root folder, the output folder and the version. System property
 * {@code lodestar.image.jdk} names the JDK to link the runtime from (default: the first with jmods).
 */
public final class ImageBuild {

    private static final List<String> JAVA = List.of("/opt/java/bin/java", "-XX:MaxRAMPercentage=75",
            "-XX:+ExitOnOutOfMemoryError");

    private ImageBuild() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: ImageBuild <project root> <output folder> <version>");
        }
        Path root = Path.of(args[0]).toAbsolutePath();
        Path output = Path.of(args[1]).toAbsolutePath();
        String version = args[2];
        Path quarkusApp = require(root.resolve("gateway/target/quarkus-app"));
        Path inferenceJar = require(root.resolve("inference-grpc/target/inference-grpc.jar"));
        Path inferenceLib = require(root.resolve("inference-grpc/target/lib"));

        Path gatewayArchive = output.resolve("gateway-" + version + ".tar");
        Path inferenceArchive = output.resolve("inference-" + version + ".tar");
        Path builder = Path.of(ImageBuild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (upToDate(List.of(gatewayArchive, inferenceArchive), List.of(quarkusApp, inferenceJar, inferenceLib, builder))) {
            System.out.println("Images are up to date: " + gatewayArchive + ", " + inferenceArchive);
            return;
        }

        long started = System.nanoTime();
        Path scratch = output.resolve("work");
        delete(scratch);
        Files.createDirectories(scratch);
        Path jdk = JavaRuntime.jdk(Optional.ofNullable(System.getProperty("lodestar.image.jdk")).map(Path::of));
        Path runtime = JavaRuntime.link(jdk, scratch.resolve("java"));

        ImageSpec gateway = new ImageSpec("lodestar/gateway", version,
                concat(JAVA, "-jar", "/app/quarkus-run.jar"), "/app", List.of(8080));
        SharedLibraries gatewayLibs = new SharedLibraries(runtime, scratch.resolve("native"))
                .ofTree(runtime).ofJarsIn(quarkusApp);
        new OciArchive().write(gateway,
                List.of(runtimeLayer(runtime, gatewayLibs), new LayerContent().tree("/app", quarkusApp)),
                gatewayArchive, scratch);

        ImageSpec inference = new ImageSpec("lodestar/inference", version,
                concat(JAVA, "-jar", "/app/inference-grpc.jar"), "/app", List.of(9090, 9091));
        SharedLibraries inferenceLibs = new SharedLibraries(runtime, scratch.resolve("native"))
                .ofTree(runtime).ofJarsIn(inferenceLib);
        new OciArchive().write(inference,
                List.of(runtimeLayer(runtime, inferenceLibs), new LayerContent()
                        .file("/app/inference-grpc.jar", inferenceJar).tree("/app/lib", inferenceLib)),
                inferenceArchive, scratch);

        delete(scratch);
        System.out.printf("Built %s and %s in %s in %.1f s%n", gateway.reference(), inference.reference(), output,
                (System.nanoTime() - started) / 1e9);
    }

    private static LayerContent runtimeLayer(Path runtime, SharedLibraries libraries) throws IOException {
        LayerContent layer = new LayerContent()
                .directory("/tmp", 01777)
                .directory("/proc", 0555)
                .directory("/dev", 0755)
                .text("/etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\n"
                        + "lodestar:x:" + ImageSpec.USER + ":" + ImageSpec.USER + ":Lodestar:/tmp:/sbin/nologin\n")
                .text("/etc/group", "root:x:0:\nlodestar:x:" + ImageSpec.USER + ":\n")
                .text("/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n")
                .text("/etc/hosts", "127.0.0.1 localhost\n::1 localhost\n")
                .tree("/opt/java", runtime);
        for (Path library : libraries.paths()) {
            layer.file(library.toString(), library);
        }
        Path cacerts = runtime.resolve("lib/security/cacerts");
        Path systemCacerts = Path.of("/etc/ssl/certs/java/cacerts");
        if ((!Files.isRegularFile(cacerts) || Files.size(cacerts) < 1024) && Files.isRegularFile(systemCacerts)) {
            layer.file("/opt/java/lib/security/cacerts", systemCacerts);
        }
        return layer;
    }

    /** Whether every archive exists and is newer than every file of the inputs. */
    private static boolean upToDate(List<Path> archives, List<Path> inputs) throws IOException {
        long oldestArchive = Long.MAX_VALUE;
        for (Path archive : archives) {
            if (!Files.isRegularFile(archive)) {
                return false;
            }
            oldestArchive = Math.min(oldestArchive, Files.getLastModifiedTime(archive).toMillis());
        }
        for (Path input : inputs) {
            try (Stream<Path> walk = Files.walk(input)) {
                long newest = walk.mapToLong(p -> p.toFile().lastModified()).max().orElse(Long.MAX_VALUE);
                if (newest >= oldestArchive) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<String> concat(List<String> head, String... tail) {
        return Stream.concat(head.stream(), Stream.of(tail)).toList();
    }

    private static Path require(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " is missing: package the gateway and inference-grpc first");
        }
        return path;
    }

    private static void delete(Path tree) throws IOException {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
