package dev.lodestar.graphql;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;

import org.junit.jupiter.api.Test;

/** The rule the engine is built under: an operation that names no roles stops the gateway from starting. */
class OperationRolesTest {

    @RolesAllowed("auditor")
    static class Readers {
        public String read() {
            return "";
        }

        public String write() {
            return "";
        }

        @RolesAllowed("data-scientist")
        public String declaredWrite() {
            return "";
        }
    }

    static class Undeclared {
        public String read() {
            return "";
        }

        @PermitAll
        public String open() {
            return "";
        }
    }

    @Test
    void queriesMayTakeTheirClassesRolesButMutationsMustNameTheirOwn() {
        assertThatCode(() -> OperationRoles.requireDeclared(Readers.class, "read", "read", false)).doesNotThrowAnyException();
        assertThatCode(() -> OperationRoles.requireDeclared(Readers.class, "declaredWrite", "declaredWrite", true))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> OperationRoles.requireDeclared(Readers.class, "write", "write", true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("mutation 'write'").hasMessageContaining("@RolesAllowed");
    }

    @Test
    void anOperationWithoutDeclarationIsRefusedAndPermitAllMustBeExplicit() {
        assertThatThrownBy(() -> OperationRoles.requireDeclared(Undeclared.class, "read", "read", false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("names no roles");
        assertThatCode(() -> OperationRoles.requireDeclared(Undeclared.class, "open", "open", true)).doesNotThrowAnyException();
    }
}
