package dev.lodestar.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An image archive as the build wrote it, unpacked with the system's tar: its docker-save manifest, its OCI
 * index, manifest and config (each blob checked against its digest), and the root file system its layers make.
 */
final class ImageArchive {

    private static final ObjectMapper JSON = new ObjectMapper();

    final JsonNode dockerManifest;
    final JsonNode index;
    final JsonNode manifest;
    final JsonNode config;
    final Path rootfs;

    private ImageArchive(JsonNode dockerManifest, JsonNode index, JsonNode manifest, JsonNode config, Path rootfs) {
        this.dockerManifest = dockerManifest;
        this.index = index;
        this.manifest = manifest;
        this.config = config;
        this.rootfs = rootfs;
    }

    static ImageArchive unpack(Path archive, Path into) throws Exception {
        Path layout = into.resolve("layout");
        Files.createDirectories(layout);
        run("tar", "-xf", archive.toString(), "-C", layout.toString());
        JsonNode dockerManifest = JSON.readTree(layout.resolve("manifest.json").toFile());
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(blob(layout, index.at("/manifests/0/digest").asText()).toFile());
        JsonNode config = JSON.readTree(blob(layout, manifest.at("/config/digest").asText()).toFile());
        List<String> diffIds = new ArrayList<>();
        config.at("/rootfs/diff_ids").forEach(d -> diffIds.add(d.asText()));
        List<String> layers = new ArrayList<>();
        manifest.path("layers").forEach(l -> layers.add(l.path("digest").asText()));
        if (!diffIds.equals(layers)) {
            throw new AssertionError("uncompressed layers must have their digest as diff id: " + layers + " vs " + diffIds);
        }
        Path rootfs = into.resolve("rootfs");
        Files.createDirectories(rootfs);
        for (String layer : layers) {
            run("tar", "-xf", blob(layout, layer).toString(), "-C", rootfs.toString());
        }
        return new ImageArchive(dockerManifest, index, manifest, config, rootfs);
    }

    /** A blob's file, after checking that its content has the digest it is named by. */
    private static Path blob(Path layout, String digest) throws Exception {
        Path file = layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(digest)) {
            throw new AssertionError(file + " has digest " + actual + ", not " + digest);
        }
        return file;
    }

    List<String> entrypoint() {
        List<String> entrypoint = new ArrayList<>();
        config.at("/config/Entrypoint").forEach(e -> entrypoint.add(e.asText()));
        return entrypoint;
    }

    List<String> env() {
        List<String> env = new ArrayList<>();
        config.at("/config/Env").forEach(e -> env.add(e.asText()));
        return env;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
