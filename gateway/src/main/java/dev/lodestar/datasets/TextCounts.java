package dev.lodestar.datasets;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of the values of a text column, in bounded memory: the first {@link #CAP} distinct values are counted
 * exactly; later new values are only noted as "more distinct values", so the top values are the most frequent
 * among the first {@link #CAP} distinct ones. Values are counted by their first {@link #MAX_VALUE} characters.
 */
final class TextCounts {

    static final int CAP = 10_000;
    static final int MAX_VALUE = 200;
    static final int TOP = 10;

    private final Map<String, long[]> counts = new HashMap<>();
    private boolean capped;

    void add(String value) {
        String key = value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE) : value;
        long[] count = counts.get(key);
        if (count != null) {
            count[0]++;
        } else if (counts.size() < CAP) {
            counts.put(key, new long[] { 1 });
        } else {
            capped = true;
        }
    }

    long distinct() {
        return counts.size();
    }

    boolean capped() {
        return capped;
    }

    List<ColumnProfile.ValueCount> top() {
        return counts.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[0]).thenComparing(Map.Entry::getKey))
                .limit(TOP).map(e -> new ColumnProfile.ValueCount(e.getKey(), e.getValue()[0])).toList();
    }
}
