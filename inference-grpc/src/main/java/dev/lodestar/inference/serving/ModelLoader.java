package dev.lodestar.inference.serving;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import org.jboss.logging.Logger;
import org.tribuo.Model;

import dev.lodestar.tribuo.TribuoModels;

/**
 * Loads one model version: bytes from the local cache or the fetcher, SHA-256 verified against the desired
 * state before anything parses them, read as Tribuo protobuf (Tribuo classes only, never Java
 * serialization), compiled, and warmed up.
 */
final class ModelLoader {

    private static final Logger LOG = Logger.getLogger(ModelLoader.class);

    /** Why a version could not be loaded; the message is what the control plane is told. */
    static final class LoadFailure extends Exception {
        LoadFailure(String message) {
            super(message);
        }
    }

    private final ArtifactFetcher fetcher;
    private final ArtifactCache cache;
    private final int warmUpRows;

    ModelLoader(ArtifactFetcher fetcher, ArtifactCache cache, int warmUpRows) {
        this.fetcher = fetcher;
        this.cache = cache;
        this.warmUpRows = warmUpRows;
    }

    ServableModel load(DesiredState.VersionSpec spec) throws LoadFailure, InterruptedException {
        byte[] bytes = cache.get(spec.sha256()).orElse(null);
        if (bytes == null) {
            try {
                bytes = fetcher.fetch(spec);
            } catch (IOException e) {
                throw new LoadFailure("could not fetch the artifact: " + e.getMessage());
            }
            String actual = ArtifactCache.sha256(bytes);
            if (!actual.equals(spec.sha256())) {
                throw new LoadFailure("SHA-256 mismatch: the artifact's bytes hash to " + actual + ", the registry says "
                        + spec.sha256() + "; refusing to load them");
            }
            cache.put(spec.sha256(), bytes);
        }
        Model<?> model;
        try {
            model = TribuoModels.read(new ByteArrayInputStream(bytes));
        } catch (TribuoModels.NotTribuo | TribuoModels.Unreadable e) {
            throw new LoadFailure(e.getMessage());
        } catch (IOException e) {
            throw new LoadFailure("could not read the model: " + e.getMessage());
        }
        ServableModel servable;
        try {
            servable = CompiledServable.compile(model);
        } catch (RuntimeException e) {
            throw new LoadFailure("the model cannot be served: " + e.getMessage());
        }
        try {
            servable.warmUp(warmUpRows);
        } catch (RuntimeException e) {
            servable.close();
            throw new LoadFailure("the model failed while warming up: " + e.getMessage());
        }
        LOG.debugf("Loaded version %d (%s)", spec.version(), spec.sha256());
        return servable;
    }
}
