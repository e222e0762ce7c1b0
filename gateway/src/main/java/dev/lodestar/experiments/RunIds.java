package dev.lodestar.experiments;

import java.security.SecureRandom;
import java.util.UUID;

import dev.lodestar.graphql.ApiException;

/**
 * Run ids: UUIDs shown as 32 lower-case hex digits (MLflow's form), also accepted with dashes. New ids are
 * version 7 UUIDs, ordered by creation time, so new runs land at the end of the primary key index.
 */
public final class RunIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {
    }

    /** A new time-ordered id. */
    public static UUID next() {
        long millis = System.currentTimeMillis();
        long randomA = RANDOM.nextLong();
        long randomB = RANDOM.nextLong();
        long most = (millis << 16) | 0x7000L | (randomA & 0x0FFFL);
        long least = (randomB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least);
    }

    /** The 32-hex-digit form of an id. */
    public static String format(UUID id) {
        return id.toString().replace("-", "");
    }

    /** The id a client wrote; {@code INVALID_ARGUMENT} when it is not one. */
    public static UUID parse(String text) {
        String hex = text == null ? "" : text.replace("-", "");
        if (hex.length() != 32 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw ApiException.invalid("'" + text + "' is not a run id (32 hex digits)");
        }
        return new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
    }
}
