package dev.lodestar.graphql;

import java.util.Map;
import java.util.function.Function;

/**
 * Builds the Java values of arguments directly, before the engine's generic argument mapping runs:
 * <ul>
 * <li>for input types that arrive by the thousand (a {@code logBatch} carries up to 1,000 metric points): the
 * generic path turns each field map into JSON and back, a reader is a constructor call;</li>
 * <li>for lists of IDs, which the generic path cannot map (it fails on {@code @Id} collections).</li>
 * </ul>
 * Implement as an {@code @Unremovable} CDI bean (nothing injects it); {@link EngineInstrumentation}
 * finds every implementation when the engine is built.
 */
public interface InputReaders {

    /** Readers of input objects, by GraphQL input type name: field map in, Java object out. */
    Map<String, Function<Map<String, Object>, Object>> inputTypes();

    /**
     * Readers of single arguments, by coordinate {@code Type.field.argument} (e.g.
     * {@code Query.searchRuns.experimentIds}): coerced value in, the Java parameter's value out.
     */
    default Map<String, Function<Object, Object>> arguments() {
        return Map.of();
    }
}
