package dev.lodestar.graphql;

/**
 * A validated page request: how many items ({@code first}) after which cursor.
 *
 * @param first number of items wanted, 1 to {@link #MAX_FIRST}
 * @param after the cursor after which the page starts, or null for the first page
 */
public record Page(int first, String after) {

    /** Items a page holds when the client does not say. */
    public static final int DEFAULT_FIRST = 100;
    /** The most items a page may hold. */
    public static final int MAX_FIRST = 1_000;

    /** Checks a client's {@code first} and {@code after}. */
    public static Page of(Integer first, String after) {
        int size = first == null ? DEFAULT_FIRST : first;
        if (size < 0 || size > MAX_FIRST) {
            throw ApiException.invalid("first must be between 0 and " + MAX_FIRST + ", got " + size);
        }
        return new Page(size, after);
    }
}
