package dev.lodestar.artifacts;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;

/**
 * Checks, while an upload streams by, that its bytes are what its declared media type says: text types
 * ({@code text/*}, JSON, NDJSON, XML, YAML) must hold no NUL byte and, unless another charset is declared, be
 * UTF-8, and the common binary formats (PNG,
 * JPEG, GIF, ZIP, gzip, PDF) must start with their signature. Other types, {@code application/octet-stream}
 * among them, are taken as they come. A mismatch fails the stream with {@link Mismatch}, so the store keeps
 * nothing of it.
 */
final class DeclaredContent {

    /** Thrown when the bytes are not what their declared type says; the message says where and why. */
    static final class Mismatch extends IOException {
        Mismatch(String message) {
            super(message);
        }
    }

    private static final Map<String, byte[]> SIGNATURES = Map.of(
            "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
            "image/jpeg", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff},
            "image/gif", new byte[] {'G', 'I', 'F', '8'},
            "application/zip", new byte[] {'P', 'K'},
            "application/gzip", new byte[] {0x1f, (byte) 0x8b},
            "application/x-gzip", new byte[] {0x1f, (byte) 0x8b},
            "application/pdf", new byte[] {'%', 'P', 'D', 'F', '-'});

    private DeclaredContent() {
    }

    /**
     * The media type to record for an upload declared as {@code declared} (octet-stream when none is given).
     *
     * @throws IllegalArgumentException when {@code declared} is not a media type
     */
    static MediaType parse(String declared) {
        if (declared == null || declared.isBlank()) {
            return MediaType.APPLICATION_OCTET_STREAM_TYPE;
        }
        MediaType type = MediaType.valueOf(declared);
        if (type.isWildcardType() || type.isWildcardSubtype()) {
            throw new IllegalArgumentException("a wildcard is not the type of a file");
        }
        return type;
    }

    /** {@code body}, checked against {@code type} as it is read. */
    static InputStream checked(InputStream body, MediaType type) {
        String essence = (type.getType() + "/" + type.getSubtype()).toLowerCase(Locale.ROOT);
        byte[] signature = SIGNATURES.get(essence);
        if (signature != null) {
            return new Signed(body, essence, signature);
        }
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        boolean utf8 = charset == null || charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("us-ascii");
        if (isText(essence)) {
            return new Utf8Text(body, essence, utf8);
        }
        return body;
    }

    private static boolean isText(String essence) {
        return essence.startsWith("text/") || essence.equals("application/json") || essence.endsWith("+json")
                || essence.equals("application/x-ndjson") || essence.equals("application/xml") || essence.endsWith("+xml")
                || essence.equals("application/yaml") || essence.equals("application/x-yaml");
    }

    /** A stream whose checks all sit in {@code read(byte[], int, int)}; single bytes go through it too. */
    private abstract static class CheckedStream extends FilterInputStream {

        CheckedStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int read = read(one, 0, 1);
            return read < 0 ? -1 : one[0] & 0xff;
        }
    }

    /** Insists the first bytes are the format's signature. */
    private static final class Signed extends CheckedStream {

        private final String type;
        private final byte[] signature;
        private int matched;

        Signed(InputStream in, String type, byte[] signature) {
            super(in);
            this.type = type;
            this.signature = signature;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            for (int i = 0; i < read && matched < signature.length; i++, matched++) {
                if (buffer[offset + i] != signature[matched]) {
                    throw new Mismatch("the content is declared " + type + " but does not start like one");
                }
            }
            if (read < 0 && matched < signature.length) {
                throw new Mismatch("the content is declared " + type + " but is too short to be one");
            }
            return read;
        }
    }

    /** Insists the bytes are UTF-8 text without NUL bytes, across read boundaries. */
    private static final class Utf8Text extends CheckedStream {

        private final String type;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private final CharBuffer chars = CharBuffer.allocate(8192);
        private final boolean decode;
        private byte[] pending = new byte[0];
        private long consumed;

        /** @param decode whether to check UTF-8 (false for text declared in another charset: only NUL bytes are refused) */
        Utf8Text(InputStream in, String type, boolean decode) {
            super(in);
            this.type = type;
            this.decode = decode;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read < 0) {
                decode(new byte[0], 0, 0, true);
            } else {
                for (int i = 0; i < read; i++) {
                    if (buffer[offset + i] == 0) {
                        throw new Mismatch("the content is declared " + type + " but holds a NUL byte at byte "
                                + (consumed + pending.length + i));
                    }
                }
                decode(buffer, offset, read, false);
            }
            return read;
        }

        private void decode(byte[] buffer, int offset, int length, boolean end) throws Mismatch {
            if (!decode) {
                consumed += length;
                return;
            }
            ByteBuffer in;
            if (pending.length == 0) {
                in = ByteBuffer.wrap(buffer, offset, length);
            } else {
                in = ByteBuffer.allocate(pending.length + length).put(pending).put(buffer, offset, length).flip();
            }
            int start = in.position();
            CoderResult result;
            do {
                chars.clear();
                result = decoder.decode(in, chars, end);
            } while (result.isOverflow());
            if (result.isError() || (end && in.hasRemaining())) {
                throw new Mismatch("the content is declared " + type + " but is not valid UTF-8 at byte "
                        + (consumed + in.position() - start));
            }
            consumed += in.position() - start;
            pending = new byte[in.remaining()];
            in.get(pending);
        }
    }
}
