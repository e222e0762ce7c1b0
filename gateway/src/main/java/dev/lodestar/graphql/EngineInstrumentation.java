package dev.lodestar.graphql;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import graphql.ExecutionResult;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationCreateStateParameters;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLTypeUtil;

/**
 * Lodestar's hooks into the GraphQL engine, in one instrumentation: error codes on every result
 * ({@link ErrorCodes}), direct reading of bulk arguments ({@link ArgumentReaders}) and of record fields
 * ({@link RecordFields}), and the execution-time limit: once a request has resolved for
 * {@link GraphQLLimits#maxExecutionTime()}, every field it has yet to resolve fails with {@code TIMEOUT}
 * instead of running. A field already resolving finishes (its transaction commits or rolls back whole);
 * mutation fields run one after another, so those after the limit write nothing.
 *
 * <p>The engine asks for the data fetcher of every field of every object it returns. Each field has its own
 * fetcher instance, so the decision how to wrap it is taken once per fetcher and remembered.
 */
final class EngineInstrumentation extends SimplePerformantInstrumentation {

    private final ArgumentReaders arguments;
    private final RecordFields records = new RecordFields();
    private final Map<DataFetcher<?>, DataFetcher<?>> fetchers = new ConcurrentHashMap<>();
    private final Duration maxExecutionTime;

    EngineInstrumentation(ArgumentReaders arguments, Duration maxExecutionTime) {
        this.arguments = arguments;
        this.maxExecutionTime = maxExecutionTime;
    }

    @Override
    public InstrumentationState createState(InstrumentationCreateStateParameters parameters) {
        return new Deadline();
    }

    @Override
    public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters parameters,
            InstrumentationState state) {
        if (state instanceof Deadline deadline) {
            deadline.start(maxExecutionTime);
        }
        return null;
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
        if (!(state instanceof Deadline deadline)) {
            return wrapped;
        }
        DataFetcher<?> resolving = wrapped;
        return environment -> {
            deadline.check(maxExecutionTime);
            return resolving.get(environment);
        };
    }

    /** When the request's execution must end, set as its operation starts (after parsing and validation). */
    private static final class Deadline implements InstrumentationState {

        private volatile boolean started;
        private volatile long endsAt;

        void start(Duration limit) {
            endsAt = System.nanoTime() + limit.toNanos();
            started = true;
        }

        void check(Duration limit) {
            if (started && System.nanoTime() - endsAt > 0) {
                throw new ApiException(ErrorCode.TIMEOUT, "the request ran longer than " + limit.toMillis()
                        + " ms (lodestar.graphql.max-execution-time); this field and the ones after it were not resolved");
            }
        }
    }

    @Override
    public CompletableFuture<ExecutionResult> instrumentExecutionResult(ExecutionResult result,
            InstrumentationExecutionParameters parameters, InstrumentationState state) {
        return CompletableFuture.completedFuture(ErrorCodes.rewrite(result));
    }
}
