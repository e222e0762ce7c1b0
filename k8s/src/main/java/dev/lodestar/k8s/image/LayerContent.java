package dev.lodestar.k8s.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of one image layer, by their absolute path in the image. Parent directories are added as needed;
 * entries are written in path order, so the layer's digest depends only on its content.
 */
final class LayerContent {

    private sealed interface Entry permits Directory, FileCopy, Bytes, Link {
    }

    private record Directory(int mode) implements Entry {
    }

    private record FileCopy(Path source, int mode) implements Entry {
    }

    private record Bytes(byte[] content, int mode) implements Entry {
    }

    private record Link(String target) implements Entry {
    }

    private final Map<String, Entry> entries = new TreeMap<>();

    /** A directory (and its parents). */
    LayerContent directory(String path, int mode) {
        parents(path);
        entries.put(relative(path), new Directory(mode));
        return this;
    }

    /** A file copied from {@code source}: executable if the source is. */
    LayerContent file(String path, Path source) {
        parents(path);
        entries.put(relative(path), new FileCopy(source, Files.isExecutable(source) ? 0755 : 0644));
        return this;
    }

    /** A file with the given text. */
    LayerContent text(String path, String content) {
        parents(path);
        entries.put(relative(path), new Bytes(content.getBytes(StandardCharsets.UTF_8), 0644));
        return this;
    }

    /** A symbolic link. */
    LayerContent symlink(String path, String target) {
        parents(path);
        entries.put(relative(path), new Link(target));
        return this;
    }

    /** Every file under {@code source}, placed under {@code path}; links inside are followed. */
    LayerContent tree(String path, Path source) {
        directory(path, 0755);
        try (Stream<Path> walk = Files.walk(source)) {
            walk.filter(p -> !p.equals(source)).forEach(p -> {
                String target = path + "/" + source.relativize(p).toString().replace('\\', '/');
                if (Files.isDirectory(p)) {
                    directory(target, 0755);
                } else {
                    file(target, p);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    void writeTo(TarWriter tar) throws IOException {
        for (Map.Entry<String, Entry> item : entries.entrySet()) {
            String name = item.getKey();
            Entry entry = item.getValue();
            if (entry instanceof Directory d) {
                tar.directory(name, d.mode());
            } else if (entry instanceof FileCopy f) {
                tar.file(name, f.mode(), f.source());
            } else if (entry instanceof Bytes b) {
                tar.file(name, b.mode(), b.content());
            } else if (entry instanceof Link l) {
                tar.symlink(name, l.target());
            }
        }
    }

    private void parents(String path) {
        String rel = relative(path);
        int slash = rel.indexOf('/');
        while (slash > 0) {
            entries.putIfAbsent(rel.substring(0, slash), new Directory(0755));
            slash = rel.indexOf('/', slash + 1);
        }
    }

    private static String relative(String path) {
        String rel = path.startsWith("/") ? path.substring(1) : path;
        return rel.endsWith("/") ? rel.substring(0, rel.length() - 1) : rel;
    }
}
