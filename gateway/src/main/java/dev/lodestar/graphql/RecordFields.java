package dev.lodestar.graphql;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.LightDataFetcher;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import io.smallrye.graphql.execution.datafetcher.FieldDataFetcher;

/**
 * Reads plain scalar fields (String, ID, Int, Float, Boolean) of Java records by calling the record's accessor.
 *
 * <p>The engine's own field fetcher sets up a per-field request context and checks for value transformations
 * on every field of every object; a page of 100 runs with their latest metrics is thousands of such fields, and
 * that bookkeeping cost more than the rest of the request. Records of the API carry no transformations on these
 * fields, so the accessor's value is the answer. Anything else (other fetchers, non-record sources, other types)
 * goes through unchanged.
 */
final class RecordFields {

    private static final Set<String> PLAIN = Set.of("String", "ID", "Int", "Float", "Boolean");

    private final ClassValue<Map<String, Optional<Method>>> accessors = new ClassValue<>() {
        @Override
        protected Map<String, Optional<Method>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /** A fetcher reading {@code field} from record sources directly, or {@code dataFetcher} where that does not apply. */
    DataFetcher<?> wrap(DataFetcher<?> dataFetcher, GraphQLFieldDefinition field) {
        if (!(dataFetcher instanceof FieldDataFetcher) || !isPlain(field)) {
            return dataFetcher;
        }
        return new AccessorFetcher(field.getName(), dataFetcher);
    }

    /**
     * Reads a record component. As a {@link LightDataFetcher} it is handed the source directly, so the engine
     * does not build a fetching environment for each field; only the fallback needs one.
     */
    private final class AccessorFetcher implements LightDataFetcher<Object> {

        private final String name;
        private final DataFetcher<?> fallback;

        AccessorFetcher(String name, DataFetcher<?> fallback) {
            this.name = name;
            this.fallback = fallback;
        }

        @Override
        public Object get(GraphQLFieldDefinition field, Object source, Supplier<DataFetchingEnvironment> environment)
                throws Exception {
            if (source instanceof Record) {
                Optional<Method> accessor = accessors.get(source.getClass()).computeIfAbsent(name, n -> accessor(source, n));
                if (accessor.isPresent()) {
                    return accessor.get().invoke(source);
                }
            }
            return fallback.get(environment.get());
        }

        @Override
        public Object get(DataFetchingEnvironment environment) throws Exception {
            return get(environment.getFieldDefinition(), environment.getSource(), () -> environment);
        }
    }

    private static boolean isPlain(GraphQLFieldDefinition field) {
        GraphQLType type = GraphQLTypeUtil.unwrapNonNull(field.getType());
        return field.getArguments().isEmpty() && type instanceof GraphQLScalarType scalar && PLAIN.contains(scalar.getName());
    }

    private static Optional<Method> accessor(Object record, String name) {
        for (var component : record.getClass().getRecordComponents()) {
            if (component.getName().equals(name)) {
                Method accessor = component.getAccessor();
                accessor.setAccessible(true);
                return Optional.of(accessor);
            }
        }
        return Optional.empty();
    }
}
