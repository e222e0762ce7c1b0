package dev.lodestar.inference.serving;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * Verified model artifacts on local disk, named by their SHA-256, so a restarted server reloads its models
 * without downloading them again. Bytes read back are verified again: a file changed on disk is dropped,
 * never served.
 */
final class ArtifactCache {

    private static final Logger LOG = Logger.getLogger(ArtifactCache.class);

    private final Path directory;

    ArtifactCache(Path directory) {
        this.directory = directory;
    }

    /** The cached bytes with this digest, if present and still matching it. */
    Optional<byte[]> get(String sha256) {
        if (directory == null) {
            return Optional.empty();
        }
        Path file = directory.resolve(sha256 + ".model");
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(file);
            if (!sha256(bytes).equals(sha256)) {
                LOG.warnf("Cached artifact %s no longer matches its digest; dropping it", file);
                Files.deleteIfExists(file);
                return Optional.empty();
            }
            return Optional.of(bytes);
        } catch (IOException e) {
            LOG.warnf("Could not read cached artifact %s: %s", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Stores verified bytes; a failure to write only costs a download later. */
    void put(String sha256, byte[] bytes) {
        if (directory == null) {
            return;
        }
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, sha256, ".part");
            Files.write(temporary, bytes);
            Path target = directory.resolve(sha256 + ".model");
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warnf("Could not cache artifact %s in %s: %s", sha256, directory, e.getMessage());
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
