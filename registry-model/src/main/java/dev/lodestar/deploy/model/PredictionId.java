package dev.lodestar.deploy.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A prediction id that says where the prediction came from: the deployment, the model version that answered, the
 * second it was made and what it answered, followed by a part unique across replicas and restarts. Because the id
 * carries these facts, nothing is stored per prediction: lineage resolves an id to its version, run and training
 * data, and feedback (the actual outcome of a prediction) is scored against the answer the id carries, whichever
 * replica or gateway receives it.
 *
 * <p>Text form: {@code <deployment>.<version>.<second>.<answer>.<unique>}, e.g.
 * {@code churn.3.t4c9k2.c1.lq3k9x2a-7f3k-1b}, where {@code second} is the epoch second in base 36, {@code answer}
 * is {@code c<label>} for a class (label characters outside {@code [A-Za-z0-9_-]} written as {@code ~} and two hex
 * digits per UTF-8 byte), {@code r<bits>} for a regression value (its IEEE 754 bits in base 36) or {@code n} when
 * the answer is not recorded, and {@code unique} is made of {@code [a-z0-9-]}.
 *
 * @param deployment the deployment's name
 * @param version the model version that answered
 * @param at when the prediction was made, to the second
 * @param answer what the prediction answered
 * @param unique the part that makes the id unique
 */
public record PredictionId(String deployment, int version, Instant at, Answer answer, String unique) {

    private static final Pattern DEPLOYMENT = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern UNIQUE = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern SECOND = Pattern.compile("[0-9a-z]{1,8}");
    /** 9999-12-31T23:59:59Z: later times are no prediction's (and beyond what PostgreSQL's timestamps hold). */
    private static final long LATEST_SECOND = 253_402_300_799L;

    public PredictionId {
        Objects.requireNonNull(answer, "answer");
        if (deployment == null || !DEPLOYMENT.matcher(deployment).matches()) {
            throw new IllegalArgumentException("not a deployment name: " + deployment);
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive: " + version);
        }
        if (at == null || at.getNano() != 0) {
            throw new IllegalArgumentException("the time must be a whole second: " + at);
        }
        if (unique == null || !UNIQUE.matcher(unique).matches()) {
            throw new IllegalArgumentException("the unique part must be 1 to 64 of [a-z0-9-]: " + unique);
        }
    }

    /** What a prediction answered, as far as its id records it. */
    public sealed interface Answer {

        /** The answer's form inside an id. */
        String encoded();
    }

    /** A classification's predicted label. */
    public record Label(String label) implements Answer {

        public Label {
            Objects.requireNonNull(label, "label");
        }

        @Override
        public String encoded() {
            return "c" + escape(label);
        }
    }

    /** A regression's predicted value. */
    public record Value(double value) implements Answer {

        @Override
        public String encoded() {
            return "r" + Long.toString(Double.doubleToRawLongBits(value), 36);
        }
    }

    /** An answer the id does not record. */
    public record Unrecorded() implements Answer {

        @Override
        public String encoded() {
            return "n";
        }
    }

    /** The id's text form. */
    @Override
    public String toString() {
        return head(deployment, version) + second(at.getEpochSecond()) + answer.encoded() + "." + unique;
    }

    /**
     * The start of the ids a deployment's version hands out, {@code <deployment>.<version>.}: servers build ids
     * from it, the {@link #second} part, the encoded answer and the unique part, without a record per prediction.
     */
    public static String head(String deployment, int version) {
        return deployment + "." + version + ".";
    }

    /** The second part with its trailing dot, {@code <epoch second in base 36>.}. */
    public static String second(long epochSecond) {
        return Long.toString(epochSecond, 36) + ".";
    }

    /**
     * Reads an id's text form.
     *
     * @throws IllegalArgumentException naming what is wrong, when {@code text} is not a prediction id
     */
    public static PredictionId parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a prediction id is required");
        }
        if (text.length() > 512) {
            throw new IllegalArgumentException("a prediction id is at most 512 characters");
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 5) {
            throw new IllegalArgumentException("not a prediction id (expected deployment.version.second.answer.unique): "
                    + text);
        }
        int version;
        try {
            version = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prediction id (the version is not a number): " + text);
        }
        if (!SECOND.matcher(parts[2]).matches()) {
            throw new IllegalArgumentException("not a prediction id (the time is not a second in base 36): " + text);
        }
        long second = Long.parseLong(parts[2], 36);
        if (second > LATEST_SECOND) {
            throw new IllegalArgumentException("not a prediction id (the time is after the year 9999): " + text);
        }
        Instant at = Instant.ofEpochSecond(second);
        return new PredictionId(parts[0], version, at, answer(parts[3], text), parts[4]);
    }

    private static Answer answer(String encoded, String text) {
        if (encoded.equals("n")) {
            return new Unrecorded();
        }
        if (encoded.startsWith("c")) {
            return new Label(unescape(encoded.substring(1), text));
        }
        if (encoded.startsWith("r") && encoded.length() > 1) {
            try {
                return new Value(Double.longBitsToDouble(Long.parseLong(encoded.substring(1), 36)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a prediction id (the value is not base 36): " + text);
            }
        }
        throw new IllegalArgumentException("not a prediction id (the answer must start with c, r or be n): " + text);
    }

    /** A label in the id's alphabet: {@code [A-Za-z0-9_-]} as is, any other UTF-8 byte as {@code ~} and two hex digits. */
    public static String escape(String label) {
        StringBuilder out = new StringBuilder(label.length() + 8);
        for (byte b : label.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                out.append(c);
            } else {
                out.append('~').append(HexFormat.of().toHexDigits((byte) c));
            }
        }
        return out.toString();
    }

    private static String unescape(String escaped, String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '~') {
                if (i + 2 >= escaped.length()) {
                    throw new IllegalArgumentException("not a prediction id (a cut escape in the label): " + text);
                }
                try {
                    bytes.write(HexFormat.fromHexDigits(escaped, i + 1, i + 3));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("not a prediction id (a bad escape in the label): " + text);
                }
                i += 2;
            } else if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                bytes.write(c);
            } else {
                throw new IllegalArgumentException("not a prediction id (a character outside the label alphabet): " + text);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
