package dev.lodestar.web;

import org.commonmark.node.Link;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;

/**
 * Markdown written by users (model cards), rendered safely for the admin: raw HTML in the source is shown as text,
 * not interpreted; links and images may only point at relative, {@code http}, {@code https} or {@code mailto}
 * addresses (see {@link MarkdownLinks}); links are marked {@code rel="nofollow noopener noreferrer"} so a page they
 * open learns nothing about the admin.
 */
@TemplateExtension
public class Markdown {

    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true)
            .urlSanitizer(new MarkdownLinks())
            .attributeProviderFactory(context -> (node, tag, attributes) -> {
                if (node instanceof Link) {
                    attributes.put("rel", "nofollow noopener noreferrer");
                }
            })
            .build();

    private Markdown() {
    }

    /** {@code text} as safe HTML; empty for null. */
    static RawString markdown(String text) {
        return new RawString(text == null ? "" : RENDERER.render(PARSER.parse(text)));
    }
}
