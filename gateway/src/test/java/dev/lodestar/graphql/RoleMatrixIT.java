package dev.lodestar.graphql;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.identity.Roles;
import dev.lodestar.testing.KeycloakRealm;
import dev.lodestar.testing.TestDatabase;
import dev.lodestar.testing.Tokens;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Every query and mutation of the schema, called by a real token of every realm role, by a user without roles and
 * without a token, against the packaged gateway. The schema is read by introspection; the expectation is what the
 * code declares next to each operation ({@link DeclaredRoles}); a schema field the declarations do not cover fails.
 *
 * <p>Each call is minimal and valid: required arguments only, filled from their types (IDs and names that name
 * nothing, an enum's first value, required input fields recursively), selecting {@code __typename}. An admitted
 * caller must not be refused as {@code FORBIDDEN} or {@code UNAUTHENTICATED} (a domain answer such as
 * {@code NOT_FOUND} is fine; {@code INTERNAL} is not); a refused one gets {@code FORBIDDEN} (without a token,
 * HTTP 401 {@code UNAUTHENTICATED}) and writes nothing: no audit event in its name. Refused calls all run before
 * admitted ones, so nothing an admitted call starts can be mistaken for a refused call's write.
 *
 * <p>The access table for the README is generated from the same declarations and must equal
 * {@code docs/graphql-access.md}; a fresh copy is written to {@code target/graphql-access.md}.
 */
@QuarkusIntegrationTest
class RoleMatrixIT {

    private static final String TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name } } }";
    private static final String INTROSPECTION = """
            {
              __schema {
                queryType { name }
                mutationType { name }
                types {
                  kind name
                  enumValues { name }
                  inputFields { name type { %1$s } }
                  fields { name args { name type { %1$s } } type { %1$s } }
                }
              }
            }""".formatted(TYPE_REF);

    /** A caller: who, the realm roles its token carries, and its token (null: none sent). */
    private record Caller(String name, Set<String> roles, String token) {
    }

    /** One call's outcome. */
    private record Outcome(int status, List<String> codes, String body) {
    }

    @Test
    void everyQueryAndMutationAdmitsExactlyItsDeclaredRoles() throws IOException {
        List<Caller> callers = callers();
        JsonPath schema = new JsonPath(post(callerNamed(callers, "dave").token(), INTROSPECTION, Map.of()).body())
                .setRootPath("data.__schema");
        Map<String, Map<String, Object>> types = new HashMap<>();
        for (Map<String, Object> type : schema.<Map<String, Object>>getList("types")) {
            types.put((String) type.get("name"), type);
        }
        Map<String, DeclaredRoles.Operation> declared = DeclaredRoles.all();
        List<Call> calls = new ArrayList<>();
        for (String kind : List.of("Query", "Mutation")) {
            String rootName = schema.getString((kind.equals("Query") ? "queryType" : "mutationType") + ".name");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> fields = (List<Map<String, Object>>) types.get(rootName).get("fields");
            for (Map<String, Object> field : fields) {
                String name = (String) field.get("name");
                DeclaredRoles.Operation operation = declared.remove(kind + "." + name);
                assertThat(operation).as("%s.%s is in the schema but declares no roles in the code", kind, name).isNotNull();
                calls.add(new Call(operation, Documents.minimalCall(kind, field, types)));
            }
        }
        assertThat(declared).as("operations declared in the code but missing from the schema").isEmpty();

        int made = 0;
        List<String> failures = new ArrayList<>();
        // Refused calls first, admitted ones after.
        for (Call call : calls) {
            for (Caller caller : callers) {
                if (caller.token() != null && call.operation().admits(caller.roles())) {
                    continue;
                }
                long audited = auditedAs(caller);
                Outcome outcome = call(caller, call);
                made++;
                boolean refused = caller.token() == null
                        ? outcome.status() == 401 && outcome.codes().equals(List.of("UNAUTHENTICATED"))
                        : outcome.codes().equals(List.of("FORBIDDEN"));
                if (!refused) {
                    failures.add(describe(call, caller, "refused", outcome));
                } else if (auditedAs(caller) != audited) {
                    failures.add(describe(call, caller, "refused and writing nothing", outcome));
                }
            }
        }
        for (Call call : calls) {
            for (Caller caller : callers) {
                if (caller.token() == null || !call.operation().admits(caller.roles())) {
                    continue;
                }
                Outcome outcome = call(caller, call);
                made++;
                if (outcome.status() != 200 || outcome.codes().contains("FORBIDDEN")
                        || outcome.codes().contains("UNAUTHENTICATED") || outcome.codes().contains("INTERNAL")) {
                    failures.add(describe(call, caller, "admitted", outcome));
                }
            }
        }
        System.out.printf("Role matrix: %d operations x %d callers = %d calls%n", calls.size(), callers.size(), made);
        assertThat(failures).as("calls whose outcome differs from the declared roles").isEmpty();
        assertThat(made).isEqualTo(calls.size() * callers.size());

        String table = AccessTable.markdown(calls.stream().map(Call::operation).toList());
        Path root = Path.of(System.getProperty("lodestar.root", "..")).toAbsolutePath().normalize();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/graphql-access.md"), table);
        assertThat(Files.readString(root.resolve("docs/graphql-access.md")))
                .as("docs/graphql-access.md is stale: copy gateway/target/graphql-access.md over it")
                .isEqualTo(table);
    }

    private record Call(DeclaredRoles.Operation operation, Documents.Document document) {
    }

    private static Outcome call(Caller caller, Call call) {
        return post(caller.token(), call.document().text(), call.document().variables());
    }

    private static Outcome post(String token, String document, Map<String, Object> variables) {
        var request = given().contentType(ContentType.JSON).body(Map.of("query", document, "variables", variables));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        var response = request.post("/graphql");
        String body = response.asString();
        List<String> codes = response.jsonPath().getList("errors.extensions.code");
        return new Outcome(response.statusCode(), codes == null ? List.of() : codes, body);
    }

    private static String describe(Call call, Caller caller, String expected, Outcome outcome) {
        return call.operation().kind() + "." + call.operation().name() + " as " + caller.name() + " " + caller.roles()
                + ": expected " + expected + ", got HTTP " + outcome.status() + " " + outcome.body();
    }

    private static long auditedAs(Caller caller) {
        return TestDatabase.count("select count(*) from audit_event where actor_name = ?", caller.name());
    }

    /** A caller for every realm role, one without roles, and one without a token. */
    private static List<Caller> callers() {
        String noRoles = "matrix-" + UUID.randomUUID().toString().substring(0, 8);
        KeycloakRealm.createUserWithoutRoles(noRoles);
        List<Caller> callers = new ArrayList<>(List.of(
                new Caller("alice", Set.of(Roles.DATA_SCIENTIST), Tokens.of("alice")),
                new Caller("bob", Set.of(Roles.APPROVER), Tokens.of("bob")),
                new Caller("carol", Set.of(Roles.AUDITOR), Tokens.of("carol")),
                new Caller("dave", Set.of(Roles.ADMIN), Tokens.of("dave")),
                new Caller("service-account-lodestar-predictor", Set.of(Roles.PREDICTOR), predictorToken()),
                new Caller("service-account-lodestar-inference", Set.of(Roles.INFERENCE_SERVER), Tokens.inferenceServer()),
                new Caller("service-account-lodestar-lineage", Set.of(Roles.LINEAGE_PRODUCER), Tokens.lineageProducer()),
                new Caller(noRoles, Set.of(), Tokens.of(noRoles)),
                new Caller("(no token)", Set.of(), null)));
        Set<String> covered = callers.stream().flatMap(c -> c.roles().stream()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(covered).as("a caller for every realm role").isEqualTo(DeclaredRoles.realmRoles());
        return callers;
    }

    private static Caller callerNamed(List<Caller> callers, String name) {
        return callers.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static String predictorToken() {
        return given().formParams(Map.of("grant_type", "client_credentials", "client_id", "lodestar-predictor",
                "client_secret", TestStack.get().predictorSecret()))
                .post(TestStack.get().tokenUrl())
                .then().statusCode(200).extract().path("access_token");
    }

    /** The access table: one row per operation, its roles. */
    static final class AccessTable {

        private AccessTable() {
        }

        static String markdown(List<DeclaredRoles.Operation> operations) {
            Map<String, DeclaredRoles.Operation> sorted = new TreeMap<>();
            for (DeclaredRoles.Operation operation : operations) {
                sorted.put((operation.kind().equals("Query") ? "1" : "2") + operation.name(), operation);
            }
            StringBuilder table = new StringBuilder("| Operation | Kind | Roles |\n| --- | --- | --- |\n");
            for (DeclaredRoles.Operation operation : sorted.values()) {
                table.append("| `").append(operation.name()).append("` | ").append(operation.kind().toLowerCase())
                        .append(" | ").append(String.join(", ", operation.roles())).append(" |\n");
            }
            return table.toString();
        }
    }

    /** Minimal valid documents built from introspected types. */
    static final class Documents {

        /** A document and its variables. */
        record Document(String text, Map<String, Object> variables) {
        }

        private Documents() {
        }

        @SuppressWarnings("unchecked")
        static Document minimalCall(String kind, Map<String, Object> field, Map<String, Map<String, Object>> types) {
            StringBuilder declarations = new StringBuilder();
            StringBuilder arguments = new StringBuilder();
            Map<String, Object> variables = new LinkedHashMap<>();
            for (Map<String, Object> argument : (List<Map<String, Object>>) field.get("args")) {
                Map<String, Object> type = (Map<String, Object>) argument.get("type");
                if (!"NON_NULL".equals(type.get("kind"))) {
                    continue;
                }
                String name = (String) argument.get("name");
                declarations.append(declarations.isEmpty() ? "(" : ", ").append('$').append(name).append(": ")
                        .append(typeName(type));
                arguments.append(arguments.isEmpty() ? "(" : ", ").append(name).append(": $").append(name);
                variables.put(name, value(name, type, types));
            }
            if (!declarations.isEmpty()) {
                declarations.append(')');
                arguments.append(')');
            }
            String selection = isLeaf(unwrap((Map<String, Object>) field.get("type"))) ? "" : " { __typename }";
            String text = kind.toLowerCase() + declarations + " { " + field.get("name") + arguments + selection + " }";
            return new Document(text, variables);
        }

        @SuppressWarnings("unchecked")
        private static Object value(String name, Map<String, Object> type, Map<String, Map<String, Object>> types) {
            String kind = (String) type.get("kind");
            if ("NON_NULL".equals(kind)) {
                return value(name, (Map<String, Object>) type.get("ofType"), types);
            }
            if ("LIST".equals(kind)) {
                return List.of(value(name, (Map<String, Object>) type.get("ofType"), types));
            }
            String typeName = (String) type.get("name");
            Map<String, Object> definition = types.get(typeName);
            if ("ENUM".equals(kind)) {
                return ((List<Map<String, Object>>) definition.get("enumValues")).get(0).get("name");
            }
            if ("INPUT_OBJECT".equals(kind)) {
                Map<String, Object> input = new LinkedHashMap<>();
                for (Map<String, Object> inputField : (List<Map<String, Object>>) definition.get("inputFields")) {
                    Map<String, Object> fieldType = (Map<String, Object>) inputField.get("type");
                    if ("NON_NULL".equals(fieldType.get("kind"))) {
                        input.put((String) inputField.get("name"), value((String) inputField.get("name"), fieldType, types));
                    }
                }
                return input;
            }
            return scalar(name, typeName);
        }

        private static Object scalar(String name, String type) {
            return switch (type) {
                case "ID" -> UUID.randomUUID().toString();
                case "Int", "Long", "BigInteger", "Short", "Byte" -> 1;
                case "Float", "BigDecimal" -> 0.5;
                case "Boolean" -> false;
                case "DateTime", "Instant", "OffsetDateTime" -> "2026-01-01T00:00:00Z";
                case "Date" -> "2026-01-01";
                case "Time" -> "00:00:00";
                case "Duration" -> "PT1M";
                default -> "matrix-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
            };
        }

        @SuppressWarnings("unchecked")
        private static String typeName(Map<String, Object> type) {
            String kind = (String) type.get("kind");
            if ("NON_NULL".equals(kind)) {
                return typeName((Map<String, Object>) type.get("ofType")) + "!";
            }
            if ("LIST".equals(kind)) {
                return "[" + typeName((Map<String, Object>) type.get("ofType")) + "]";
            }
            return (String) type.get("name");
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> unwrap(Map<String, Object> type) {
            Map<String, Object> current = type;
            while (current.get("ofType") != null) {
                current = (Map<String, Object>) current.get("ofType");
            }
            return current;
        }

        private static boolean isLeaf(Map<String, Object> type) {
            return "SCALAR".equals(type.get("kind")) || "ENUM".equals(type.get("kind"));
        }
    }
}
