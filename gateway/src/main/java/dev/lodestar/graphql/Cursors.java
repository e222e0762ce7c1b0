package dev.lodestar.graphql;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque Relay cursors. A cursor names the list it belongs to, so a cursor of one list given to another is
 * refused instead of silently paging wrong.
 */
public final class Cursors {

    private Cursors() {
    }

    /** The cursor of position {@code value} in list {@code kind}. */
    public static String encode(String kind, String value) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((kind + ":" + value).getBytes(StandardCharsets.UTF_8));
    }

    /** The position a cursor of list {@code kind} stands for; null for a null cursor. */
    public static String decode(String kind, String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(kind + ":")) {
                return text.substring(kind.length() + 1);
            }
        } catch (IllegalArgumentException e) {
            // Not base64: refused below.
        }
        throw ApiException.invalid("after: '" + cursor + "' is not a cursor of this list");
    }

    /**
     * The id a cursor of list {@code kind} stands for, in lists ordered by a numeric id, newest first: the page
     * holds ids below it. {@link Long#MAX_VALUE} for a null cursor (the first page).
     */
    public static long decodeId(String kind, String cursor) {
        String value = decode(kind, cursor);
        if (value == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("after: not a cursor of this list");
        }
    }
}
