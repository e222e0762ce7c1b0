package dev.lodestar.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Building links of the admin. */
public final class Links {

    private Links() {
    }

    /** {@code value} encoded for a URL query parameter. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** {@code value} encoded as one URL path segment (a model name with spaces or slashes stays one segment). */
    public static String segment(String value) {
        return encode(value).replace("+", "%20");
    }
}
