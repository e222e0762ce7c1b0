package dev.lodestar.graphql;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import graphql.ExecutionInput;
import io.quarkus.arc.Arc;
import graphql.GraphQL;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import io.smallrye.graphql.schema.model.Argument;
import io.smallrye.graphql.schema.model.Operation;
import io.smallrye.graphql.schema.model.OperationType;
import io.smallrye.graphql.schema.model.Reference;
import io.smallrye.graphql.spi.EventingService;

/**
 * Configures the GraphQL engine as it is built: the check that every operation names its roles
 * ({@link OperationRoles}), {@link EngineInstrumentation} (error codes, direct reading of bulk arguments and of
 * record fields, the execution-time limit), and a bounded cache of
 * parsed and validated documents, so a client sending the same document with other variables (as
 * {@code logBatch} callers do) pays for parsing once.
 *
 * <p>Registered through {@code META-INF/services}; SmallRye GraphQL calls it before building the engine.
 */
public final class GraphQLSetup implements EventingService {

    private static final int MAX_CACHED_DOCUMENTS = 1_000;

    @Override
    public String getConfigKey() {
        return null;
    }

    /**
     * Refuses to build the engine while an operation names no roles ({@link OperationRoles}).
     *
     * <p>Lists of IDs: the engine maps an {@code @Id} collection argument wrongly, so such arguments are declared
     * as {@code List<@NonNull String>} named {@code ...Ids} and typed {@code [ID!]} here. ID values are
     * strings on the Java side either way.
     */
    @Override
    public Operation createOperation(Operation operation) {
        try {
            OperationRoles.requireDeclared(
                    Class.forName(operation.getClassName(), false, Thread.currentThread().getContextClassLoader()),
                    operation.getMethodName(), operation.getName(), operation.getOperationType() == OperationType.MUTATION);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("GraphQL field '" + operation.getName() + "': class " + operation.getClassName()
                    + " not found", e);
        }
        if (operation.hasArguments()) {
            for (Argument argument : operation.getArguments()) {
                Reference reference = argument.getReference();
                if (argument.getName().endsWith("Ids") && argument.hasWrapper() && argument.getWrapper().isCollection()
                        && "String".equals(reference.getName())) {
                    // References are shared between arguments of one type: give this one its own.
                    argument.setReference(new Reference.Builder().reference(reference).name("ID").build());
                }
            }
        }
        return operation;
    }

    @Override
    public GraphQL.Builder beforeGraphQLBuild(GraphQL.Builder builder) {
        Map<String, Function<Map<String, Object>, Object>> inputTypes = new HashMap<>();
        Map<String, Function<Object, Object>> arguments = new HashMap<>();
        for (InputReaders bean : Arc.container().select(InputReaders.class)) {
            inputTypes.putAll(bean.inputTypes());
            arguments.putAll(bean.arguments());
        }
        return builder
                .instrumentation(new EngineInstrumentation(new ArgumentReaders(inputTypes, arguments),
                        Arc.container().select(GraphQLLimits.class).get().maxExecutionTime()))
                .preparsedDocumentProvider(new DocumentCache());
    }

    private static final class DocumentCache implements PreparsedDocumentProvider {

        private final Map<String, PreparsedDocumentEntry> documents = new ConcurrentHashMap<>();

        @Override
        public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
                Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
            PreparsedDocumentEntry cached = documents.get(input.getQuery());
            if (cached != null) {
                return CompletableFuture.completedFuture(cached);
            }
            PreparsedDocumentEntry entry = parseAndValidate.apply(input);
            if (!entry.hasErrors()) {
                if (documents.size() >= MAX_CACHED_DOCUMENTS) {
                    documents.clear();
                }
                documents.put(input.getQuery(), entry);
            }
            return CompletableFuture.completedFuture(entry);
        }
    }
}
