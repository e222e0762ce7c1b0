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
}
