package dev.lodestar.k8s;

import java.nio.file.Path;
import java.util.List;

/** The repository's k8s folder and the overlays in it, as the build passes them to the tests. */
final class Overlays {

    static final List<String> NAMES = List.of("dev", "prod");

    private Overlays() {
    }

    static Path k8sFolder() {
        return Path.of(System.getProperty("lodestar.k8s.dir", "."));
    }

    static String version() {
        String version = System.getProperty("lodestar.version");
        if (version == null) {
            throw new IllegalStateException("run through Maven: lodestar.version is not set");
        }
        return version;
    }
}
