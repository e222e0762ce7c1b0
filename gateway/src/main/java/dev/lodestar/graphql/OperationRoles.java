package dev.lodestar.graphql;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;

import io.quarkus.security.Authenticated;

/**
 * Deny by default, enforced where the engine is built: every GraphQL operation must say who may call it, or the
 * gateway does not start. A mutation says so on its own method, since the roles that may read a part of the API
 * are rarely the ones that may change it; a query or a field may also take its class's declaration. Admitting
 * everyone signed in takes an explicit {@code @PermitAll} or {@code @Authenticated} (anonymous callers are
 * refused before GraphQL runs either way).
 */
final class OperationRoles {

    private static final List<Class<? extends Annotation>> DECLARATIONS = List.of(RolesAllowed.class, PermitAll.class,
            DenyAll.class, Authenticated.class);

    private OperationRoles() {
    }

    /**
     * Fails unless every method named {@code methodName} of {@code type} (or of its superclasses) declares its
     * roles, a mutation on the method itself.
     *
     * @throws IllegalStateException naming the operation and what to add
     */
    static void requireDeclared(Class<?> type, String methodName, String fieldName, boolean mutation) {
        List<Method> methods = new ArrayList<>();
        for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
            for (Method method : current.getDeclaredMethods()) {
                if (method.getName().equals(methodName) && !method.isSynthetic()) {
                    methods.add(method);
                }
            }
        }
        if (methods.isEmpty()) {
            throw new IllegalStateException("GraphQL field '" + fieldName + "': no method " + type.getName() + "#" + methodName);
        }
        for (Method method : methods) {
            boolean declared = declares(method) || (!mutation && declares(method.getDeclaringClass()));
            if (!declared) {
                throw new IllegalStateException("GraphQL " + (mutation ? "mutation" : "field") + " '" + fieldName + "' ("
                        + type.getSimpleName() + "#" + methodName + ") names no roles: add @RolesAllowed with the roles of "
                        + "dev.lodestar.identity.Roles" + (mutation ? " on the method" : "")
                        + ", or @PermitAll where every signed-in user is meant to call it");
            }
        }
    }

    private static boolean declares(AnnotatedElement element) {
        for (Class<? extends Annotation> declaration : DECLARATIONS) {
            if (element.isAnnotationPresent(declaration)) {
                return true;
            }
        }
        return false;
    }
}
