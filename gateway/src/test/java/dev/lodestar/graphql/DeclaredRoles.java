package dev.lodestar.graphql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.Query;

import dev.lodestar.identity.Roles;
import io.quarkus.security.Authenticated;

/**
 * Who may call each query and mutation, read from the declarations next to the operations (the {@code @RolesAllowed}
 * of the method, else of its class), not from the running server: what the role matrix holds the server to.
 */
final class DeclaredRoles {

    /** Every signed-in caller, whatever its roles: what {@code @PermitAll} and {@code @Authenticated} admit. */
    static final String EVERYONE_SIGNED_IN = "(every signed-in user)";

    /**
     * One operation's declaration.
     *
     * @param kind  {@code Query} or {@code Mutation}
     * @param name  the field's name in the schema
     * @param roles the realm roles admitted, or {@link #EVERYONE_SIGNED_IN} alone
     */
    record Operation(String kind, String name, Set<String> roles) {

        boolean admits(Set<String> callerRoles) {
            return roles.contains(EVERYONE_SIGNED_IN) || callerRoles.stream().anyMatch(roles::contains);
        }
    }

    private DeclaredRoles() {
    }

    /** The realm roles of {@link Roles}. */
    static Set<String> realmRoles() {
        Set<String> roles = new TreeSet<>();
        for (Field field : Roles.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    roles.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return roles;
    }

    /** Every query and mutation of the gateway's GraphQL API classes, keyed {@code Kind.name}. */
    static Map<String, Operation> all() {
        Map<String, Operation> operations = new TreeMap<>();
        for (Class<?> api : apiClasses()) {
            for (Method method : api.getDeclaredMethods()) {
                String kind;
                String name;
                if (method.isAnnotationPresent(Query.class)) {
                    kind = "Query";
                    name = method.getAnnotation(Query.class).value();
                } else if (method.isAnnotationPresent(Mutation.class)) {
                    kind = "Mutation";
                    name = method.getAnnotation(Mutation.class).value();
                } else {
                    continue;
                }
                if (name.isEmpty()) {
                    name = fieldName(method);
                }
                Operation previous = operations.put(kind + "." + name, new Operation(kind, name, rolesOf(method)));
                if (previous != null) {
                    throw new IllegalStateException("two methods for " + kind + "." + name);
                }
            }
        }
        return operations;
    }

    private static String fieldName(Method method) {
        org.eclipse.microprofile.graphql.Name named = method.getAnnotation(org.eclipse.microprofile.graphql.Name.class);
        if (named != null) {
            return named.value();
        }
        String name = method.getName();
        for (String prefix : List.of("get", "is")) {
            if (name.length() > prefix.length() && name.startsWith(prefix)
                    && Character.isUpperCase(name.charAt(prefix.length())) && !name.equals(prefix)) {
                return Character.toLowerCase(name.charAt(prefix.length())) + name.substring(prefix.length() + 1);
            }
        }
        return name;
    }

    private static Set<String> rolesOf(Method method) {
        Set<String> roles = declared(method.getAnnotation(RolesAllowed.class), method.isAnnotationPresent(PermitAll.class)
                || method.isAnnotationPresent(Authenticated.class), method.isAnnotationPresent(DenyAll.class));
        if (roles != null) {
            return roles;
        }
        Class<?> type = method.getDeclaringClass();
        roles = declared(type.getAnnotation(RolesAllowed.class), type.isAnnotationPresent(PermitAll.class)
                || type.isAnnotationPresent(Authenticated.class), type.isAnnotationPresent(DenyAll.class));
        if (roles == null) {
            throw new IllegalStateException(type.getSimpleName() + "#" + method.getName() + " declares no roles");
        }
        return roles;
    }

    private static Set<String> declared(RolesAllowed allowed, boolean everyone, boolean none) {
        if (allowed != null) {
            return new TreeSet<>(Arrays.asList(allowed.value()));
        }
        if (everyone) {
            return Set.of(EVERYONE_SIGNED_IN);
        }
        return none ? Set.of() : null;
    }

    /** The {@code @GraphQLApi} classes among the gateway's compiled classes. */
    private static List<Class<?>> apiClasses() {
        Path root;
        try {
            root = Path.of(Roles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Class<?>> apis = new ArrayList<>();
        try (FileSystem jar = Files.isDirectory(root) ? null : FileSystems.newFileSystem(root);
                Stream<Path> files = Files.walk(jar == null ? root : jar.getPath("/"))) {
            Path base = jar == null ? root : jar.getPath("/");
            for (Path file : files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$")
                    && f.toString().contains("dev")).toList()) {
                String name = base.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
                Class<?> type = Class.forName(name.substring(0, name.length() - ".class".length()), false,
                        DeclaredRoles.class.getClassLoader());
                if (type.isAnnotationPresent(GraphQLApi.class)) {
                    apis.add(type);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(e);
        }
        if (apis.isEmpty()) {
            throw new IllegalStateException("no @GraphQLApi classes under " + root);
        }
        return apis;
    }
}
