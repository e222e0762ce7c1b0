package dev.lodestar.artifacts;

import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes stored under their SHA-256. The same content is stored once however often it is uploaded, stored
 * content never changes, and reading it back checks it against its address.
 *
 * <p>The local file system is the only implementation so far; an object store fits the same four methods.
 */
public interface ArtifactStore {

    /** Content as stored: lower-case hex SHA-256 and size in bytes. */
    record Blob(String sha256, long size) {
    }

    /** Thrown when content is longer than allowed; nothing of it is kept. */
    final class TooLarge extends IOException {
        public TooLarge(long limit) {
            super("the artifact is larger than the limit of " + limit + " bytes");
        }
    }

    /** Thrown when stored content no longer matches its SHA-256. */
    final class Corrupted extends IOException {
        public Corrupted(String sha256) {
            super("stored content of " + sha256 + " does not match its SHA-256");
        }
    }

    /** Thrown when content does not hash to the SHA-256 its sender announced; nothing of it is kept. */
    final class DigestMismatch extends IOException {
        public DigestMismatch(String expected, String actual) {
            super("the content's SHA-256 is " + actual + ", not the announced " + expected);
        }
    }

    /** Reads {@code content} to its end and stores it, unless it is longer than {@code maxBytes}. */
    default Blob put(InputStream content, long maxBytes) throws IOException {
        return put(content, maxBytes, null);
    }

    /**
     * Reads {@code content} to its end and stores it, unless it is longer than {@code maxBytes} or, when
     * {@code expectedSha256} is given, does not hash to it ({@link DigestMismatch}). A refused or failed put leaves
     * nothing behind, not even a temporary file.
     */
    Blob put(InputStream content, long maxBytes, String expectedSha256) throws IOException;

    /**
     * The stored content of {@code sha256}. The stream throws {@link Corrupted} at its end if what was read does
     * not hash to {@code sha256}.
     */
    InputStream open(String sha256) throws IOException;

    /** True when content with this SHA-256 is stored. */
    boolean contains(String sha256);
}
