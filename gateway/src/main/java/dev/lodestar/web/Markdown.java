package dev.lodestar.web;

import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;

/**
 * Markdown written by users (model cards), rendered safely for the admin: raw HTML in the source is shown as text,
 * not interpreted, and links or images with {@code javascript:}-like addresses are dropped.
 */
@TemplateExtension
public class Markdown {

    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();

    private Markdown() {
    }

    /** {@code text} as safe HTML; empty for null. */
    static RawString markdown(String text) {
        return new RawString(text == null ? "" : RENDERER.render(PARSER.parse(text)));
    }
}
