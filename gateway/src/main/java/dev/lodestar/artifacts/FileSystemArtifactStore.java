package dev.lodestar.artifacts;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The artifact store on a local (or mounted) file system: content at {@code <dir>/<first 2 hex digits>/<sha256>},
 * written to a temporary file first and moved into place atomically, so a reader never sees half a file and
 * replicas writing the same content at once agree.
 */
@ApplicationScoped
public class FileSystemArtifactStore implements ArtifactStore {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;

    FileSystemArtifactStore(ArtifactsConfig config) {
        this.dir = config.dir().toAbsolutePath().normalize();
    }

    @Override
    public Blob put(InputStream content, long maxBytes, String expectedSha256) throws IOException {
        Path incoming = dir.resolve("incoming");
        Files.createDirectories(incoming);
        Path temp = Files.createTempFile(incoming, "upload-", ".part");
        try {
            MessageDigest digest = sha256();
            long size = 0;
            byte[] buffer = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(temp)) {
                for (int read; (read = content.read(buffer)) >= 0;) {
                    size += read;
                    if (size > maxBytes) {
                        throw new TooLarge(maxBytes);
                    }
                    digest.update(buffer, 0, read);
                    out.write(buffer, 0, read);
                }
            }
            String sha256 = HexFormat.of().formatHex(digest.digest());
            if (expectedSha256 != null && !expectedSha256.equals(sha256)) {
                throw new DigestMismatch(expectedSha256, sha256);
            }
            Path target = pathOf(sha256);
            Files.createDirectories(target.getParent());
            if (!Files.exists(target)) {
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                    if (!Files.exists(target)) {
                        throw e;
                    }
                }
            }
            return new Blob(sha256, size);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        Path path = pathOf(sha256);
        try {
            return new Verifying(Files.newInputStream(path), sha256);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException("no stored content for " + sha256);
        }
    }

    @Override
    public boolean contains(String sha256) {
        return SHA256.matcher(sha256).matches() && Files.isRegularFile(pathOf(sha256));
    }

    private Path pathOf(String sha256) {
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a SHA-256: " + sha256);
        }
        return dir.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hashes what passes through and, at the end, insists it matches the address. */
    private static final class Verifying extends FilterInputStream {

        private final MessageDigest digest = sha256();
        private final String expected;
        private boolean checked;

        Verifying(InputStream in, String expected) {
            super(in);
            this.expected = expected;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                digest.update((byte) b);
            } else {
                check();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                digest.update(buffer, offset, read);
            } else if (read < 0) {
                check();
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("artifact streams are read whole, so they can be verified");
        }

        private void check() throws IOException {
            if (!checked) {
                checked = true;
                if (!HexFormat.of().formatHex(digest.digest()).equals(expected)) {
                    throw new Corrupted(expected);
                }
            }
        }
    }
}
