package dev.lodestar.inference.fuzz;

import java.util.List;
import java.util.Random;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

/**
 * Turns a valid protobuf message into a hostile one, deterministically for a given {@link Random}: fields
 * dropped, duplicated or given values of the wrong sort (NaN, infinities, extremes, a megabyte of text,
 * right-to-left and zero-width characters), repeated fields emptied or blown up, and, on the wire, bytes flipped,
 * cut off, spliced, strings that are not UTF-8, or noise.
 */
public final class ProtoMutator {

    /** Strings a careless server mishandles. */
    static final List<String> HOSTILE_STRINGS = List.of("", " ", "\u0000", "../../etc/passwd", "%2e%2e%2f",
            "\u202eevil\u202c", "a\u200bb\u200d\ufeff", "\uffff", "💥🧨", "NaN", "-Infinity", "1e309",
            "'; drop table runs; --", "<script>alert(1)</script>", "${jndi:ldap://x}", "\r\n\r\n", "x".repeat(70_000));

    /** Numbers a careless server mishandles. */
    static final double[] HOSTILE_DOUBLES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE,
        -Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 1e308, -1e-308};

    static final long[] HOSTILE_LONGS = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE,
        Integer.MAX_VALUE + 1L, 1L << 40};

    private final Random random;

    public ProtoMutator(Random random) {
        this.random = random;
    }

    /** One to four mutations of {@code valid}, each somewhere in its tree. */
    @SuppressWarnings("unchecked")
    public <M extends Message> M mutate(M valid) {
        Message.Builder builder = valid.toBuilder();
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            mutate(builder, 0);
        }
        return (M) builder.build();
    }

    /** The wire bytes of {@code valid}, damaged: flipped, truncated, spliced, repeated, or pure noise. */
    public byte[] damage(byte[] valid) {
        byte[] bytes = valid.clone();
        switch (random.nextInt(7)) {
            case 0 -> {
                for (int i = 0, n = 1 + random.nextInt(8); i < n && bytes.length > 0; i++) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> bytes = java.util.Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
            case 2 -> {
                byte[] noise = noise(1 + random.nextInt(64));
                int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
                byte[] spliced = new byte[bytes.length + noise.length];
                System.arraycopy(bytes, 0, spliced, 0, at);
                System.arraycopy(noise, 0, spliced, at, noise.length);
                System.arraycopy(bytes, at, spliced, at + noise.length, bytes.length - at);
                bytes = spliced;
            }
            case 3 -> {
                // A field tag with a length that promises more than follows.
                byte[] lying = {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f, 1, 2, 3};
                bytes = concat(bytes, lying);
            }
            case 4 -> bytes = concat(bytes, bytes);
            case 5 -> {
                // Field 1 (a string in every request type fuzzed here) holding bytes that are not UTF-8.
                byte[][] invalid = {{(byte) 0xc3, 0x28}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xff}};
                byte[] bad = invalid[random.nextInt(invalid.length)];
                byte[] field = new byte[2 + bad.length];
                field[0] = 0x0a;
                field[1] = (byte) bad.length;
                System.arraycopy(bad, 0, field, 2, bad.length);
                bytes = concat(bytes, field);
            }
            default -> bytes = noise(random.nextInt(512));
        }
        return bytes;
    }

    private void mutate(Message.Builder builder, int depth) {
        List<FieldDescriptor> fields = builder.getDescriptorForType().getFields();
        if (fields.isEmpty()) {
            return;
        }
        FieldDescriptor field = fields.get(random.nextInt(fields.size()));
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField() && depth < 6
                && random.nextBoolean()) {
            descend(builder, field, depth);
            return;
        }
        if (field.isRepeated()) {
            mutateRepeated(builder, field, depth);
        } else {
            switch (random.nextInt(5)) {
                case 0 -> builder.clearField(field);
                default -> builder.setField(field, hostileValue(builder, field));
            }
        }
    }

    private void descend(Message.Builder builder, FieldDescriptor field, int depth) {
        if (field.isRepeated()) {
            int count = builder.getRepeatedFieldCount(field);
            if (count == 0) {
                builder.addRepeatedField(field, hostileValue(builder, field));
                return;
            }
            int index = random.nextInt(count);
            Message.Builder child = ((Message) builder.getRepeatedField(field, index)).toBuilder();
            mutate(child, depth + 1);
            builder.setRepeatedField(field, index, child.build());
        } else {
            Message.Builder child = ((Message) builder.getField(field)).toBuilder();
            mutate(child, depth + 1);
            builder.setField(field, child.build());
        }
    }

    private void mutateRepeated(Message.Builder builder, FieldDescriptor field, int depth) {
        int count = builder.getRepeatedFieldCount(field);
        switch (random.nextInt(5)) {
            case 0 -> builder.clearField(field);
            case 1 -> {
                // Duplicate what is there, up to a few thousand entries and about 6 MB (past the 4 MB default limit).
                int copies = 1 + random.nextInt(random.nextInt(8) > 0 ? 3 : 3000);
                long bytes = 0;
                for (int i = 0; i < copies && count > 0 && bytes < 6_000_000; i++) {
                    Object entry = builder.getRepeatedField(field, random.nextInt(count));
                    bytes += entry instanceof Message message ? message.getSerializedSize() + 2
                            : entry instanceof String text ? text.length() + 2 : 8;
                    builder.addRepeatedField(field, entry);
                }
            }
            case 2 -> {
                if (count > 0) {
                    builder.setRepeatedField(field, random.nextInt(count), hostileValue(builder, field));
                }
            }
            default -> {
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                    builder.addRepeatedField(field, hostileValue(builder, field));
                }
            }
        }
    }

    private Object hostileValue(Message.Builder builder, FieldDescriptor field) {
        return switch (field.getJavaType()) {
            case STRING -> string();
            case DOUBLE -> HOSTILE_DOUBLES[random.nextInt(HOSTILE_DOUBLES.length)];
            case FLOAT -> (float) HOSTILE_DOUBLES[random.nextInt(HOSTILE_DOUBLES.length)];
            case LONG -> HOSTILE_LONGS[random.nextInt(HOSTILE_LONGS.length)];
            case INT -> (int) HOSTILE_LONGS[random.nextInt(HOSTILE_LONGS.length)];
            case BOOLEAN -> random.nextBoolean();
            case BYTE_STRING -> ByteString.copyFrom(noise(random.nextInt(4) == 0 ? 1 << 20 : random.nextInt(64)));
            case ENUM -> field.getEnumType().getValues().get(random.nextInt(field.getEnumType().getValues().size()));
            case MESSAGE -> {
                Message.Builder child = field.isRepeated() || field.isMapField()
                        ? builder.newBuilderForField(field) : ((Message) builder.getField(field)).toBuilder();
                for (int i = 0, n = random.nextInt(3); i < n; i++) {
                    mutate(child, 5);
                }
                yield child.build();
            }
        };
    }

    /** A hostile string: one of the usual suspects, a megabyte of text, or random code points. */
    public String string() {
        return switch (random.nextInt(16)) {
            case 0 -> "é".repeat(1 << 19);
            case 1, 2 -> {
                StringBuilder text = new StringBuilder();
                for (int i = 0, n = random.nextInt(40); i < n; i++) {
                    // Lone surrogates cannot be sent as a string field; damage() sends invalid UTF-8 instead.
                    int codePoint = random.nextInt(0x30000);
                    text.appendCodePoint(codePoint >= 0xd800 && codePoint <= 0xdfff ? 0x202e : codePoint);
                }
                yield text.toString();
            }
            default -> HOSTILE_STRINGS.get(random.nextInt(HOSTILE_STRINGS.size()));
        };
    }

    private byte[] noise(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
