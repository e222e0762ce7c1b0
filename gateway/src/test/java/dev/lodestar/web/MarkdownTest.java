package dev.lodestar.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Model cards rendered from hostile Markdown: nothing in them may become markup that runs or leaves the page. */
class MarkdownTest {

    private static final Pattern ADDRESS = Pattern.compile("(href|src)=\"([^\"]*)\"");

    private static String render(String markdown) {
        return Markdown.markdown(markdown).getValue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)", "java&#x09;script:alert(1)",
            "&#106;avascript:alert(1)", " javascript:alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "file:///etc/passwd", "jav&#x0A;ascript:alert(1)", "javascript&colon;alert(1)", "\u200Bjavascript:alert(1)" })
    void linksAndImagesToOtherSchemesPointNowhere(String address) {
        for (String markdown : new String[] { "[click](" + address + ")", "![img](" + address + ")", "[ref]\n\n[ref]: " + address,
                "<" + address.strip() + ">" }) {
            Matcher addresses = ADDRESS.matcher(render(markdown));
            while (addresses.find()) {
                assertThat(addresses.group(2)).as(markdown + " renders " + addresses.group()).isEmpty();
            }
        }
    }

    @Test
    void relativeHttpHttpsAndMailtoLinksStay() {
        assertThat(render("[a](https://example.org/x?y=1)")).contains("href=\"https://example.org/x?y=1\"");
        assertThat(render("[a](http://example.org/)")).contains("href=\"http://example.org/\"");
        assertThat(render("[a](mailto:team@example.org)")).contains("href=\"mailto:team@example.org\"");
        assertThat(render("[a](/admin/models/churn)")).contains("href=\"/admin/models/churn\"");
        assertThat(render("[a](#limits)")).contains("href=\"#limits\"");
        assertThat(render("![chart](images/roc.png)")).contains("src=\"images/roc.png\"");
    }

    @Test
    void linksDoNotTellTheOtherSiteWhereTheyCameFrom() {
        assertThat(render("[a](https://example.org/)")).contains("rel=\"nofollow noopener noreferrer\"");
    }

    @Test
    void rawHtmlIsShownAsText() {
        String html = render("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> and \"><svg onload=alert(1)>");
        assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("<svg")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;").contains("&lt;img src=x onerror=alert(1)&gt;");
    }

    @Test
    void attributeBreakoutsInLinkTitlesAndAddressesAreEscaped() {
        String html = render("[a](https://example.org/\"onmouseover=\"alert(1) \"t\\\" onclick=\\\"alert(1)\")");
        assertThat(html).doesNotContain("\" onclick=\"").doesNotContain("\"onmouseover=\"");
    }

    @Test
    void nothingIsEmptyText() {
        assertThat(Markdown.markdown(null).getValue()).isEmpty();
    }
}
