package dev.lodestar.inference.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.grpc.MethodDescriptor;

/** A method of a generated service, called with bytes of our choosing instead of a well-formed message. */
public final class WireBytes implements MethodDescriptor.Marshaller<byte[]> {

    private static final WireBytes INSTANCE = new WireBytes();

    private WireBytes() {
    }

    /** {@code method} with raw bytes for request and response. */
    public static MethodDescriptor<byte[], byte[]> of(MethodDescriptor<?, ?> method) {
        return method.toBuilder(INSTANCE, INSTANCE).build();
    }

    @Override
    public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
