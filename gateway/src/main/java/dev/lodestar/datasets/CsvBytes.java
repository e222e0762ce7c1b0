package dev.lodestar.datasets;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import dev.lodestar.graphql.ApiException;

/**
 * Bytes of a CSV file, decoded as strict UTF-8 and fed to a {@link CsvParser} as they come. Invalid UTF-8 is
 * refused with the line and column it is in.
 */
final class CsvBytes {

    private static final int CHUNK = 64 * 1024;

    private final CsvParser parser;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(CHUNK);
    private final CharBuffer chars = CharBuffer.allocate(CHUNK);

    CsvBytes(CsvParser parser) {
        this.parser = parser;
    }

    /** Decodes and parses the next bytes of the file. */
    void feed(byte[] buffer, int offset, int length) {
        while (length > 0) {
            int chunk = Math.min(length, bytes.remaining());
            bytes.put(buffer, offset, chunk);
            offset += chunk;
            length -= chunk;
            bytes.flip();
            decode(false);
            bytes.compact();
        }
    }

    /** The end of the file: a truncated UTF-8 sequence is refused, then the parser finishes. */
    void finish() {
        bytes.flip();
        decode(true);
        while (decoder.flush(chars).isOverflow()) {
            drain();
        }
        drain();
        parser.finish();
    }

    /** Reads {@code in} to its end through the parser. */
    void readAll(InputStream in) throws IOException {
        byte[] buffer = new byte[CHUNK];
        for (int read; (read = in.read(buffer)) >= 0;) {
            feed(buffer, 0, read);
        }
        finish();
    }

    /** {@code in}, parsed as it is read: refusals surface from {@code read} and end the reading. */
    InputStream tee(InputStream in) {
        return new FilterInputStream(in) {
            private boolean finished;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int read = read(one, 0, 1);
                return read < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int read = super.read(buffer, offset, length);
                if (read > 0) {
                    feed(buffer, offset, read);
                } else if (read < 0 && !finished) {
                    finished = true;
                    finish();
                }
                return read;
            }

            @Override
            public long skip(long n) throws IOException {
                throw new IOException("a parsed stream is read whole");
            }
        };
    }

    private void decode(boolean end) {
        while (true) {
            CoderResult result = decoder.decode(bytes, chars, end);
            if (result.isOverflow()) {
                drain();
            } else if (result.isError()) {
                drain();
                throw ApiException.invalid(parser.position() + ": the bytes are not valid UTF-8");
            } else {
                drain();
                return;
            }
        }
    }

    private void drain() {
        chars.flip();
        if (chars.hasRemaining()) {
            parser.feed(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining());
        }
        chars.clear();
    }
}
