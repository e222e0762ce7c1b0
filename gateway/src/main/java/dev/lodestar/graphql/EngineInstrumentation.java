package dev.lodestar.graphql;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import graphql.ExecutionResult;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLTypeUtil;

/**
 * Lodestar's hooks into the GraphQL engine, in one instrumentation: error codes on every result
 * ({@link ErrorCodes}), direct reading of bulk arguments ({@link ArgumentReaders}) and of record fields
 * ({@link RecordFields}).
 *
 * <p>The engine asks for the data fetcher of every field of every object it returns. Each field has its own
 * fetcher instance, so the decision how to wrap it is taken once per fetcher and remembered.
 */
final class EngineInstrumentation extends SimplePerformantInstrumentation {

    private final ArgumentReaders arguments;
    private final RecordFields records = new RecordFields();
    private final Map<DataFetcher<?>, DataFetcher<?>> fetchers = new ConcurrentHashMap<>();

    EngineInstrumentation(ArgumentReaders arguments) {
        this.arguments = arguments;
    }

    @Override
    public DataFetcher<?> instrumentDataFetcher(DataFetcher<?> dataFetcher, InstrumentationFieldFetchParameters parameters,
            InstrumentationState state) {
        DataFetcher<?> wrapped = fetchers.get(dataFetcher);
        if (wrapped == null) {
            DataFetchingEnvironment environment = parameters.getEnvironment();
            String parent = GraphQLTypeUtil.simplePrint(environment.getParentType());
            wrapped = records.wrap(arguments.wrap(dataFetcher, parent, environment.getFieldDefinition()),
                    environment.getFieldDefinition());
            fetchers.put(dataFetcher, wrapped);
        }
        return wrapped;
    }

    @Override
    public CompletableFuture<ExecutionResult> instrumentExecutionResult(ExecutionResult result,
            InstrumentationExecutionParameters parameters, InstrumentationState state) {
        return CompletableFuture.completedFuture(ErrorCodes.rewrite(result));
    }
}
