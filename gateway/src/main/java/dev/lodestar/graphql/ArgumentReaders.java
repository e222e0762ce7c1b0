package dev.lodestar.graphql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironmentImpl;
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;

/**
 * Replaces the values of arguments that have an {@link InputReaders reader} with what the reader builds, before
 * the field's data fetcher runs; the data fetcher then takes them as they are.
 */
final class ArgumentReaders {

    private final Map<String, Function<Map<String, Object>, Object>> inputTypes;
    private final Map<String, Function<Object, Object>> arguments;
    ArgumentReaders(Map<String, Function<Map<String, Object>, Object>> inputTypes,
            Map<String, Function<Object, Object>> arguments) {
        this.inputTypes = inputTypes;
        this.arguments = arguments;
    }

    /** {@code dataFetcher} of field {@code parent.field}, reading the arguments that have a reader first. */
    DataFetcher<?> wrap(DataFetcher<?> dataFetcher, String parent, GraphQLFieldDefinition field) {
        if (field.getArguments().isEmpty()) {
            return dataFetcher;
        }
        Map<String, Function<Object, Object>> plan = planFor(parent + "." + field.getName(), field);
        if (plan.isEmpty()) {
            return dataFetcher;
        }
        return environment -> {
            Map<String, Object> values = new LinkedHashMap<>(environment.getArguments());
            plan.forEach((name, reader) -> values.computeIfPresent(name, (key, value) -> reader.apply(value)));
            return dataFetcher.get(DataFetchingEnvironmentImpl.newDataFetchingEnvironment(environment).arguments(values).build());
        };
    }

    private Map<String, Function<Object, Object>> planFor(String coordinate, GraphQLFieldDefinition field) {
        Map<String, Function<Object, Object>> plan = new LinkedHashMap<>();
        for (GraphQLArgument argument : field.getArguments()) {
            Function<Object, Object> direct = arguments.get(coordinate + "." + argument.getName());
            GraphQLType type = GraphQLTypeUtil.unwrapAll(argument.getType());
            if (direct != null) {
                plan.put(argument.getName(), direct);
            } else if (type instanceof GraphQLInputObjectType input && inputTypes.containsKey(input.getName())) {
                Function<Map<String, Object>, Object> reader = inputTypes.get(input.getName());
                plan.put(argument.getName(), value -> read(value, reader));
            }
        }
        return plan;
    }

    @SuppressWarnings("unchecked")
    private static Object read(Object value, Function<Map<String, Object>, Object> reader) {
        if (value instanceof Map<?, ?> fields) {
            return reader.apply((Map<String, Object>) fields);
        }
        if (value instanceof List<?> list) {
            List<Object> read = new ArrayList<>(list.size());
            for (Object item : list) {
                read.add(read(item, reader));
            }
            return read;
        }
        return value;
    }
}
