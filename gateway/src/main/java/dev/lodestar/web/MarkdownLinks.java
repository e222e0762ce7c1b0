package dev.lodestar.web;

import java.util.Locale;
import java.util.Set;

import org.commonmark.renderer.html.UrlSanitizer;

/**
 * Which addresses a link or image in user-written Markdown may have: relative ones (a path, a query, a fragment)
 * and absolute ones with the schemes {@code http}, {@code https} and {@code mailto}. Anything else
 * ({@code javascript:}, {@code data:}, {@code vbscript:}, {@code file:}, ...) is dropped and the link points
 * nowhere. Browsers ignore tabs, line breaks and other control characters inside a scheme
 * ({@code java&#9;script:}), so the scheme is read with those removed, as a browser would read it.
 */
final class MarkdownLinks implements UrlSanitizer {

    /** Schemes a link or image may name. */
    static final Set<String> SCHEMES = Set.of("http", "https", "mailto");

    @Override
    public String sanitizeLinkUrl(String url) {
        return allowed(url) ? url : "";
    }

    @Override
    public String sanitizeImageUrl(String url) {
        return allowed(url) ? url : "";
    }

    /** True when {@code url} is relative or names one of {@link #SCHEMES}. */
    static boolean allowed(String url) {
        if (url == null) {
            return false;
        }
        StringBuilder read = new StringBuilder(url.length());
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c > 0x20 && c != 0x7f && !Character.isISOControl(c) && !Character.isWhitespace(c)
                    && Character.getType(c) != Character.FORMAT) {
                read.append(c);
            }
        }
        String seen = read.toString();
        for (int i = 0; i < seen.length(); i++) {
            char c = seen.charAt(i);
            if (c == ':') {
                return SCHEMES.contains(seen.substring(0, i).toLowerCase(Locale.ROOT));
            }
            if (c == '/' || c == '?' || c == '#') {
                return true;
            }
        }
        return true;
    }
}
