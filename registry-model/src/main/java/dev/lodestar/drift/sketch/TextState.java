package dev.lodestar.drift.sketch;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;

/**
 * The running summary of a text column: exact value counts while there are at most {@link #EXACT_LIMIT} distinct
 * values; beyond that a frequent-items sketch (estimated counts of the heavy values) and an HLL sketch (distinct
 * count), both seeded with the exact counts at the moment of overflow. Mutable; a {@link ColumnProfile} holds a copy.
 */
final class TextState {

    /** Exact counts are kept while a column has at most this many distinct values. */
    static final int EXACT_LIMIT = 1024;

    /** Frequent-items map size: counts are within about 3.5 / 2048 of the stream length of the truth. */
    static final int ITEMS_MAP_SIZE = 2048;

    /** HLL precision: about 1.6% relative error on the distinct count. */
    static final int HLL_LG_K = 12;

    private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

    long count;
    long missing;
    /** Exact counts (boxed in one-element arrays to update in place), or null once there are too many values. */
    HashMap<String, long[]> exact = new HashMap<>();
    ItemsSketch<String> items;
    HllSketch distinct;

    void add(String value) {
        if (value == null) {
            missing++;
            return;
        }
        count++;
        if (exact != null) {
            long[] counter = exact.get(value);
            if (counter != null) {
                counter[0]++;
                return;
            }
            if (exact.size() < EXACT_LIMIT) {
                exact.put(value, new long[] {1});
                return;
            }
            overflow();
        }
        items.update(value);
        distinct.update(value);
    }

    /** Moves the exact counts into the sketches (HLL counts each distinct value once, so one update each is exact). */
    private void overflow() {
        items = new ItemsSketch<>(ITEMS_MAP_SIZE);
        distinct = new HllSketch(HLL_LG_K);
        for (Map.Entry<String, long[]> entry : exact.entrySet()) {
            items.update(entry.getKey(), entry.getValue()[0]);
            distinct.update(entry.getKey());
        }
        exact = null;
    }

    long distinctCount() {
        return exact != null ? exact.size() : Math.round(distinct.getEstimate());
    }

    /** Counts by value, largest first (ties by value): exact, or the sketch's estimates of the frequent values. */
    Map<String, Long> frequencies() {
        List<Map.Entry<String, Long>> entries = new ArrayList<>();
        if (exact != null) {
            exact.forEach((value, counter) -> entries.add(Map.entry(value, counter[0])));
        } else {
            for (ItemsSketch.Row<String> row : items.getFrequentItems(ErrorType.NO_FALSE_POSITIVES)) {
                entries.add(Map.entry(row.getItem(), row.getEstimate()));
            }
        }
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Map.Entry<String, Long> entry : entries) {
            counts.put(entry.getKey(), entry.getValue());
        }
        return Collections.unmodifiableMap(counts);
    }

    /** The count of one value: exact, or the sketch's estimate (0 for a value never seen while counting exactly). */
    long frequency(String value) {
        if (exact != null) {
            long[] counter = exact.get(value);
            return counter == null ? 0 : counter[0];
        }
        return items.getEstimate(value);
    }

    TextState copy() {
        TextState copy = new TextState();
        copy.count = count;
        copy.missing = missing;
        if (exact != null) {
            exact.forEach((value, counter) -> copy.exact.put(value, new long[] {counter[0]}));
        } else {
            copy.exact = null;
            copy.items = new ItemsSketch<String>(ITEMS_MAP_SIZE).merge(items);
            copy.distinct = unionOf(distinct, null);
        }
        return copy;
    }

    void merge(TextState other) {
        missing += other.missing;
        count += other.count;
        if (other.exact != null) {
            for (Map.Entry<String, long[]> entry : other.exact.entrySet()) {
                addCounted(entry.getKey(), entry.getValue()[0]);
            }
        } else {
            if (exact != null) {
                overflow();
            }
            items.merge(other.items);
            distinct = unionOf(distinct, other.distinct);
        }
    }

    private void addCounted(String value, long times) {
        if (exact != null) {
            long[] counter = exact.get(value);
            if (counter != null) {
                counter[0] += times;
                return;
            }
            if (exact.size() < EXACT_LIMIT) {
                exact.put(value, new long[] {times});
                return;
            }
            overflow();
        }
        items.update(value, times);
        distinct.update(value);
    }

    private static HllSketch unionOf(HllSketch a, HllSketch b) {
        Union union = new Union(HLL_LG_K);
        union.update(a);
        if (b != null) {
            union.update(b);
        }
        return union.getResult();
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(count);
        out.writeLong(missing);
        if (exact != null) {
            Map<String, Long> counts = frequencies();
            out.writeInt(counts.size());
            for (Map.Entry<String, Long> entry : counts.entrySet()) {
                byte[] utf8 = entry.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
                out.writeLong(entry.getValue());
            }
        } else {
            out.writeInt(-1);
            byte[] itemBytes = items.toByteArray(SERDE);
            out.writeInt(itemBytes.length);
            out.write(itemBytes);
            byte[] hll = distinct.toCompactByteArray();
            out.writeInt(hll.length);
            out.write(hll);
        }
    }

    static TextState read(DataInputStream in) throws IOException {
        TextState state = new TextState();
        state.count = in.readLong();
        state.missing = in.readLong();
        Formats.check(state.count >= 0 && state.missing >= 0, "negative count");
        int size = in.readInt();
        Formats.check(size >= -1 && size <= EXACT_LIMIT, "value counts");
        if (size >= 0) {
            long total = 0;
            for (int i = 0; i < size; i++) {
                String value = new String(Formats.readBlock(in), java.nio.charset.StandardCharsets.UTF_8);
                long times = in.readLong();
                Formats.check(times > 0 && state.exact.put(value, new long[] {times}) == null, "value count");
                total += times;
            }
            Formats.check(total == state.count, "value counts do not add up to the count");
        } else {
            state.exact = null;
            state.items = ItemsSketch.getInstance(Memory.wrap(Formats.readBlock(in)), SERDE);
            state.distinct = HllSketch.heapify(Formats.readBlock(in));
            Formats.check(state.items.getStreamLength() == state.count, "sketch does not match the count");
        }
        return state;
    }
}
