package dev.lodestar.drift.sketch;

import java.io.DataInputStream;
import java.io.IOException;

/** Helpers for reading the profile format defensively: every length is checked before anything is allocated. */
final class Formats {

    private Formats() {
    }

    /** Thrown inside the reader for a malformed profile; {@link Profile#fromBytes} reports it as illegal input. */
    static final class Malformed extends IOException {

        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    static void check(boolean condition, String what) throws Malformed {
        if (!condition) {
            throw new Malformed(what);
        }
    }

    /** Reads an int length and that many bytes, refusing lengths beyond what is left. */
    static byte[] readBlock(DataInputStream in) throws IOException {
        int length = in.readInt();
        check(length >= 0 && length <= in.available(), "block length " + length);
        byte[] block = new byte[length];
        in.readFully(block);
        return block;
    }
}
