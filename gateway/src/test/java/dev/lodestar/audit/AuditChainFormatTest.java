package dev.lodestar.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class AuditChainFormatTest {

    @Test
    void theByteWriterMatchesTheCanonicalFormForAwkwardText() {
        String awkward = "quote \" backslash \\ tab \t newline \n bell \u0007 accents é ü 漢字 emoji \uD83D\uDE80 end";
        AuditChainFormat.Event event = new AuditChainFormat.Event(42, "2026-11-23T05:00:00.123456Z", "subject-" + awkward, awkward,
                AuditChainFormat.roles(new String[] { "admin", "role \"x\"" }), "MODEL_UPDATED", "MODEL", "churn " + awkward,
                "{\"description\": \"" + "a\\\"b" + "\"}", null, null, "request", "10.0.0.1");

        byte[] expected = AuditChainFormat.canonical(event, new StringBuilder()).toString().getBytes(StandardCharsets.UTF_8);
        AuditChainFormat.CanonicalBytes written = new AuditChainFormat.CanonicalBytes().begin(event.sequence())
                .string("at", utf8(event.at()))
                .string("actorSubject", utf8(event.actorSubject()))
                .string("actorName", utf8(event.actorName()))
                .json("actorRoles", utf8(event.actorRoles()))
                .string("action", utf8(event.action()))
                .string("resourceType", utf8(event.resourceType()))
                .string("resourceId", utf8(event.resourceId()))
                .json("before", utf8(event.before()))
                .json("after", utf8(event.after()))
                .string("reason", utf8(event.reason()))
                .string("requestId", utf8(event.requestId()))
                .string("clientAddress", utf8(event.clientAddress()))
                .end();

        assertThat(new String(Arrays.copyOf(written.buffer(), written.length()), StandardCharsets.UTF_8))
                .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(new AuditChainFormat.Hasher().matches(AuditChainFormat.GENESIS, written,
                new AuditChainFormat.Hasher().next(AuditChainFormat.GENESIS, AuditChainFormat.canonical(event, new StringBuilder()))))
                .isTrue();
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
