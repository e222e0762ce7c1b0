package dev.lodestar.k8s.image;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a POSIX tar stream (ustar headers, a pax header for names longer than ustar holds). Every entry is
 * owned by root with a fixed modification time, so the same files always give the same bytes and digest.
 */
final class TarWriter implements Closeable {

    private static final int BLOCK = 512;

    private final OutputStream out;
    private long written;

    TarWriter(OutputStream out) {
        this.out = out;
    }

    void directory(String name, int mode) throws IOException {
        header(name.endsWith("/") ? name : name + "/", mode, 0, '5', "");
    }

    void file(String name, int mode, Path source) throws IOException {
        long size = Files.size(source);
        header(name, mode, size, '0', "");
        try (InputStream in = Files.newInputStream(source)) {
            long copied = in.transferTo(out);
            if (copied != size) {
                throw new IOException(source + " changed while it was archived");
            }
        }
        written += size;
        pad();
    }

    void file(String name, int mode, byte[] content) throws IOException {
        header(name, mode, content.length, '0', "");
        out.write(content);
        written += content.length;
        pad();
    }

    void symlink(String name, String target) throws IOException {
        header(name, 0777, 0, '2', target);
    }

    @Override
    public void close() throws IOException {
        out.write(new byte[BLOCK * 2]);
        out.flush();
        out.close();
    }

    private void header(String name, int mode, long size, char type, String link) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100 || link.length() > 100) {
            byte[] pax = paxRecords(name, link);
            writeHeader("PaxHeader", 0644, pax.length, 'x', "");
            out.write(pax);
            written += pax.length;
            pad();
        }
        writeHeader(name, mode, size, type, link);
    }

    private static byte[] paxRecords(String name, String link) {
        StringBuilder records = new StringBuilder(paxRecord("path", name));
        if (!link.isEmpty()) {
            records.append(paxRecord("linkpath", link));
        }
        return records.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A pax record is "LENGTH key=value\n", where LENGTH counts the whole record including its own digits. */
    private static String paxRecord(String key, String value) {
        int body = key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length + 3;
        int length = body + Integer.toString(body).length();
        if (Integer.toString(length).length() != Integer.toString(body).length()) {
            length++;
        }
        return length + " " + key + "=" + value + "\n";
    }

    private void writeHeader(String name, int mode, long size, char type, String link) throws IOException {
        byte[] header = new byte[BLOCK];
        put(header, 0, 100, truncate(name, 100));
        octal(header, 100, 8, mode);
        octal(header, 108, 8, 0);
        octal(header, 116, 8, 0);
        octal(header, 124, 12, size);
        octal(header, 136, 12, 0);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        header[156] = (byte) type;
        put(header, 157, 100, truncate(link, 100));
        put(header, 257, 6, "ustar".getBytes(StandardCharsets.US_ASCII));
        put(header, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        put(header, 265, 32, "root".getBytes(StandardCharsets.US_ASCII));
        put(header, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        String checksum = String.format("%06o", sum);
        put(header, 148, 6, checksum.getBytes(StandardCharsets.US_ASCII));
        header[154] = 0;
        header[155] = ' ';
        out.write(header);
        written += BLOCK;
    }

    private static byte[] truncate(String value, int length) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= length) {
            return bytes;
        }
        byte[] cut = new byte[length];
        System.arraycopy(bytes, 0, cut, 0, length);
        return cut;
    }

    private static void put(byte[] header, int offset, int length, byte[] value) {
        System.arraycopy(value, 0, header, offset, Math.min(length, value.length));
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        if (digits.length() > length - 1) {
            throw new IllegalArgumentException("value " + value + " does not fit a tar header field");
        }
        String padded = "0".repeat(length - 1 - digits.length()) + digits;
        put(header, offset, length - 1, padded.getBytes(StandardCharsets.US_ASCII));
        header[offset + length - 1] = 0;
    }

    private void pad() throws IOException {
        int rest = (int) (written % BLOCK);
        if (rest != 0) {
            out.write(new byte[BLOCK - rest]);
            written += BLOCK - rest;
        }
    }
}
