package dev.lodestar.k8s.image;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Writes an image as one tar file that is both an OCI image layout (oci-layout, index.json, blobs/sha256) and a
 * {@code docker save} archive (manifest.json naming the same blobs), so {@code docker load},
 * {@code kind load image-archive}, {@code skopeo copy oci-archive:} and {@code crane push} all read it. Layers are
 * uncompressed, so each layer's digest is also its diff id.
 */
final class OciArchive {

    private static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar";
    private static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    private static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";

    private record Blob(String digest, long size, Path file) {
    }

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    void write(ImageSpec spec, List<LayerContent> layers, Path archive, Path scratch) throws IOException {
        Files.createDirectories(scratch);
        List<Blob> layerBlobs = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            layerBlobs.add(layer(layers.get(i), scratch.resolve("layer-" + i + ".tar")));
        }
        byte[] config = json.writeValueAsBytes(config(spec, layerBlobs));
        byte[] manifest = json.writeValueAsBytes(manifest(bytesBlob(config), layerBlobs));
        String manifestDigest = digest(manifest);
        byte[] index = json.writeValueAsBytes(index(spec, manifestDigest, manifest.length));
        byte[] dockerManifest = json.writeValueAsBytes(List.of(Map.of(
                "Config", "blobs/sha256/" + hex(digest(config)),
                "RepoTags", List.of(spec.reference()),
                "Layers", layerBlobs.stream().map(b -> "blobs/sha256/" + hex(b.digest())).toList())));

        Files.createDirectories(archive.toAbsolutePath().getParent());
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        try (TarWriter tar = new TarWriter(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16))) {
            tar.file("oci-layout", 0644, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            tar.file("index.json", 0644, index);
            tar.file("manifest.json", 0644, dockerManifest);
            tar.directory("blobs", 0755);
            tar.directory("blobs/sha256", 0755);
            tar.file("blobs/sha256/" + hex(digest(config)), 0644, config);
            tar.file("blobs/sha256/" + hex(manifestDigest), 0644, manifest);
            for (Blob blob : layerBlobs) {
                tar.file("blobs/sha256/" + hex(blob.digest()), 0644, blob.file());
            }
        }
        Files.move(partial, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        for (Blob blob : layerBlobs) {
            Files.deleteIfExists(blob.file());
        }
    }

    private static Blob layer(LayerContent content, Path file) throws IOException {
        MessageDigest sha = sha256();
        try (OutputStream raw = Files.newOutputStream(file);
                DigestOutputStream digesting = new DigestOutputStream(new BufferedOutputStream(raw, 1 << 16), sha);
                TarWriter tar = new TarWriter(digesting)) {
            content.writeTo(tar);
        }
        return new Blob("sha256:" + HexFormat.of().formatHex(sha.digest()), Files.size(file), file);
    }

    private Map<String, Object> config(ImageSpec spec, List<Blob> layers) {
        Map<String, Object> ports = new LinkedHashMap<>();
        spec.ports().forEach(port -> ports.put(port + "/tcp", Map.of()));
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("User", ImageSpec.USER + ":" + ImageSpec.USER);
        runtime.put("Env", List.of("PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"));
        runtime.put("Entrypoint", spec.entrypoint());
        runtime.put("WorkingDir", spec.workingDir());
        runtime.put("ExposedPorts", ports);
        runtime.put("Labels", Map.of("org.opencontainers.image.title", spec.repository(),
                "org.opencontainers.image.version", spec.tag()));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.put("created", "1970-01-01T00:00:00Z");
        config.put("config", runtime);
        config.put("rootfs", Map.of("type", "layers", "diff_ids", layers.stream().map(Blob::digest).toList()));
        return config;
    }

    private static Map<String, Object> manifest(Blob config, List<Blob> layers) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_TYPE);
        manifest.put("config", descriptor(CONFIG_TYPE, config));
        manifest.put("layers", layers.stream().map(b -> descriptor(LAYER_TYPE, b)).toList());
        return manifest;
    }

    private static Map<String, Object> index(ImageSpec spec, String manifestDigest, long size) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("mediaType", MANIFEST_TYPE);
        entry.put("digest", manifestDigest);
        entry.put("size", size);
        entry.put("annotations", Map.of(
                "io.containerd.image.name", "docker.io/" + spec.reference(),
                "org.opencontainers.image.ref.name", spec.tag()));
        return Map.of("schemaVersion", 2, "mediaType", INDEX_TYPE, "manifests", List.of(entry));
    }

    private static Map<String, Object> descriptor(String mediaType, Blob blob) {
        return Map.of("mediaType", mediaType, "digest", blob.digest(), "size", blob.size());
    }

    private static Blob bytesBlob(byte[] bytes) {
        return new Blob(digest(bytes), bytes.length, null);
    }

    private static String digest(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static String hex(String digest) {
        return digest.substring("sha256:".length());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
