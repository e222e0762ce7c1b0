package dev.lodestar.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresArraysTest {

    @Test
    void readsPlainQuotedEscapedAndEmptyArrays() {
        assertThat(PostgresArrays.parse("{}")).isEmpty();
        assertThat(PostgresArrays.parse("{admin,data-scientist}")).containsExactly("admin", "data-scientist");
        assertThat(PostgresArrays.parse("{\"two words\",\"a\\\"quote\",\"back\\\\slash\",\"a,comma\",NULL,\"NULL\"}"))
                .containsExactly("two words", "a\"quote", "back\\slash", "a,comma", null, "NULL");
    }
}
