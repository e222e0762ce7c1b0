package dev.lodestar.graphql;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What one GraphQL request may ask for. Documents over a limit are refused before any of them runs
 * ({@code LIMIT_EXCEEDED}, the message naming the setting); a request still resolving at
 * {@link #maxExecutionTime()} stops resolving ({@code TIMEOUT}).
 *
 * <p>The defaults leave room for every query Lodestar's own clients send and for the standard introspection
 * query of GraphQL tools.
 */
@ConfigMapping(prefix = "lodestar.graphql")
public interface GraphQLLimits {

    /** The most characters a document (the {@code query} string, not its variables) may have. */
    @WithDefault("32768")
    int maxDocumentSize();

    /** The deepest nesting of fields: {@code { a { b } }} is 2 deep. Fragments count where they are spread. */
    @WithDefault("15")
    int maxDepth();

    /** The most fields a document selects, each fragment counted every time it is spread (the complexity). */
    @WithDefault("500")
    int maxFields();

    /** The most aliased fields in a document. */
    @WithDefault("30")
    int maxAliases();

    /** The most operations one document may define; only the one named by {@code operationName} runs. */
    @WithDefault("5")
    int maxOperations();

    /** How long a request may resolve fields; after that, no further field is resolved. */
    @WithDefault("10s")
    Duration maxExecutionTime();
}
