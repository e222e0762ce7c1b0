package dev.lodestar.drift.sketch;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The running summary of a number column: counts, shifted sums for mean and spread, minimum and maximum, a KLL
 * sketch, the values themselves while there are at most {@link #EXACT_LIMIT}, and the value counts while there are
 * at most {@link #DOMAIN_LIMIT} distinct values. Mutable; a {@link ColumnProfile} holds a copy that is never changed.
 */
final class NumberState {

    /** Values kept exactly while a column has at most this many. */
    static final int EXACT_LIMIT = 1000;

    /** Value counts kept while a column has at most this many distinct values. */
    static final int DOMAIN_LIMIT = 64;

    /** KLL accuracy parameter: about 1.65% normalised rank error (DataSketches' default). */
    static final int KLL_K = 200;

    private static final int DOMAIN_SLOTS = 128;
    private static final long EMPTY = Double.doubleToRawLongBits(Double.NaN);

    long count;
    long missing;
    /** Sums are kept of {@code x - shift}, with shift the first value, so the variance does not cancel out. */
    double shift = Double.NaN;
    double sum;
    double sumSquares;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    final KllDoublesSketch kll;
    /** The values while count <= EXACT_LIMIT (unsorted), else null. */
    double[] exact;
    /** Open-addressing table of value bits to counts while distinct <= DOMAIN_LIMIT, else null. */
    long[] domainKeys;
    long[] domainCounts;
    int domainSize;

    NumberState() {
        kll = KllDoublesSketch.newHeapInstance(KLL_K);
        exact = new double[16];
        domainKeys = new long[DOMAIN_SLOTS];
        Arrays.fill(domainKeys, EMPTY);
        domainCounts = new long[DOMAIN_SLOTS];
    }

    private NumberState(KllDoublesSketch kll) {
        this.kll = kll;
    }

    /** Adds one value; NaN and infinities count as missing. */
    void add(double value) {
        if (!Double.isFinite(value)) {
            missing++;
            return;
        }
        accept(value + 0.0);
        kll.update(value);
    }

    /**
     * Adds {@code values[from..to)}. Non-finite values count as missing; the finite ones go to the sketch in one
     * call, which is what makes this path fast.
     */
    void addAll(double[] values, int from, int to, double[] scratch) {
        int finite = 0;
        for (int i = from; i < to; i++) {
            double value = values[i];
            if (Double.isFinite(value)) {
                accept(value + 0.0);
                scratch[finite++] = value;
            } else {
                missing++;
            }
        }
        if (finite == to - from) {
            kll.update(values, from, finite);
        } else if (finite > 0) {
            kll.update(scratch, 0, finite);
        }
    }

    private void accept(double value) {
        long n = count;
        if (n == 0) {
            shift = value;
        }
        double d = value - shift;
        sum += d;
        sumSquares += d * d;
        if (value < min) {
            min = value;
        }
        if (value > max) {
            max = value;
        }
        if (exact != null) {
            if (n < EXACT_LIMIT) {
                if (n == exact.length) {
                    exact = Arrays.copyOf(exact, Math.min(EXACT_LIMIT, exact.length * 4));
                }
                exact[(int) n] = value;
            } else {
                exact = null;
            }
        }
        if (domainKeys != null) {
            countInDomain(Double.doubleToRawLongBits(value), 1);
        }
        count = n + 1;
    }

    private void countInDomain(long bits, long times) {
        long[] keys = domainKeys;
        int slot = (int) ((bits * 0x9E3779B97F4A7C15L) >>> 57);
        while (true) {
            long key = keys[slot];
            if (key == bits) {
                domainCounts[slot] += times;
                return;
            }
            if (key == EMPTY) {
                if (domainSize == DOMAIN_LIMIT) {
                    domainKeys = null;
                    domainCounts = null;
                    return;
                }
                keys[slot] = bits;
                domainCounts[slot] = times;
                domainSize++;
                return;
            }
            slot = (slot + 1) & (DOMAIN_SLOTS - 1);
        }
    }

    double mean() {
        return count == 0 ? Double.NaN : shift + sum / count;
    }

    /** Sum of squared deviations from the mean. */
    double squaredDeviations() {
        return count == 0 ? Double.NaN : Math.max(0.0, sumSquares - sum * sum / count);
    }

    /** The exact values, sorted, or null. */
    double[] sortedExact() {
        if (exact == null) {
            return null;
        }
        double[] sorted = Arrays.copyOf(exact, (int) count);
        Arrays.sort(sorted);
        return sorted;
    }

    /** Value counts in ascending value order, or null. */
    Map<Double, Long> domain() {
        if (domainKeys == null) {
            return null;
        }
        double[] values = new double[domainSize];
        int n = 0;
        for (long key : domainKeys) {
            if (key != EMPTY) {
                values[n++] = Double.longBitsToDouble(key);
            }
        }
        Arrays.sort(values);
        Map<Double, Long> counts = new LinkedHashMap<>();
        for (double value : values) {
            counts.put(value, domainCount(Double.doubleToRawLongBits(value)));
        }
        return Collections.unmodifiableMap(counts);
    }

    private long domainCount(long bits) {
        int slot = (int) ((bits * 0x9E3779B97F4A7C15L) >>> 57);
        while (domainKeys[slot] != bits) {
            slot = (slot + 1) & (DOMAIN_SLOTS - 1);
        }
        return domainCounts[slot];
    }

    /** An independent copy. */
    NumberState copy() {
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(KLL_K);
        sketch.merge(kll);
        NumberState copy = new NumberState(sketch);
        copyScalarsInto(copy);
        copy.exact = exact == null ? null : Arrays.copyOf(exact, Math.max(16, (int) count));
        if (domainKeys != null) {
            copy.domainKeys = domainKeys.clone();
            copy.domainCounts = domainCounts.clone();
            copy.domainSize = domainSize;
        }
        return copy;
    }

    private void copyScalarsInto(NumberState copy) {
        copy.count = count;
        copy.missing = missing;
        copy.shift = shift;
        copy.sum = sum;
        copy.sumSquares = sumSquares;
        copy.min = min;
        copy.max = max;
    }

    /** Adds another column's summary to this one (Chan et al.'s pairwise update for mean and spread). */
    void merge(NumberState other) {
        missing += other.missing;
        if (other.count == 0) {
            return;
        }
        if (count == 0) {
            shift = other.shift;
            sum = other.sum;
            sumSquares = other.sumSquares;
        } else {
            double n = count + (double) other.count;
            double meanA = mean();
            double meanB = other.mean();
            double delta = meanB - meanA;
            double m2 = squaredDeviations() + other.squaredDeviations() + delta * delta * count * other.count / n;
            shift = meanA + delta * other.count / n;
            sum = 0.0;
            sumSquares = m2;
        }
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        kll.merge(other.kll);
        if (exact != null && other.exact != null && count + other.count <= EXACT_LIMIT) {
            double[] joined = Arrays.copyOf(exact, (int) (count + other.count));
            System.arraycopy(other.exact, 0, joined, (int) count, (int) other.count);
            exact = joined;
        } else {
            exact = null;
        }
        if (domainKeys != null && other.domainKeys != null) {
            for (int slot = 0; slot < DOMAIN_SLOTS && domainKeys != null; slot++) {
                if (other.domainKeys[slot] != EMPTY) {
                    countInDomain(other.domainKeys[slot], other.domainCounts[slot]);
                }
            }
        } else {
            domainKeys = null;
            domainCounts = null;
        }
        count += other.count;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(count);
        out.writeLong(missing);
        out.writeDouble(shift);
        out.writeDouble(sum);
        out.writeDouble(sumSquares);
        out.writeDouble(min);
        out.writeDouble(max);
        double[] sorted = sortedExact();
        if (sorted == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(sorted.length);
            for (double value : sorted) {
                out.writeDouble(value);
            }
        }
        Map<Double, Long> domain = domain();
        if (domain == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(domain.size());
            for (Map.Entry<Double, Long> entry : domain.entrySet()) {
                out.writeDouble(entry.getKey());
                out.writeLong(entry.getValue());
            }
        }
        byte[] sketch = kll.toByteArray();
        out.writeInt(sketch.length);
        out.write(sketch);
    }

    static NumberState read(DataInputStream in) throws IOException {
        long count = in.readLong();
        long missing = in.readLong();
        double shift = in.readDouble();
        double sum = in.readDouble();
        double sumSquares = in.readDouble();
        double min = in.readDouble();
        double max = in.readDouble();
        Formats.check(count >= 0 && missing >= 0, "negative count");
        int exactLength = in.readInt();
        Formats.check(exactLength == -1 || (exactLength == count && exactLength <= EXACT_LIMIT), "exact values");
        double[] exact = null;
        if (exactLength >= 0) {
            exact = new double[Math.max(16, exactLength)];
            for (int i = 0; i < exactLength; i++) {
                exact[i] = in.readDouble();
                Formats.check(Double.isFinite(exact[i]), "exact value");
            }
        }
        int domainSize = in.readInt();
        Formats.check(domainSize >= -1 && domainSize <= DOMAIN_LIMIT, "value counts");
        double[] domainValues = new double[Math.max(0, domainSize)];
        long[] domainCounts = new long[Math.max(0, domainSize)];
        for (int i = 0; i < domainSize; i++) {
            domainValues[i] = in.readDouble();
            domainCounts[i] = in.readLong();
            Formats.check(Double.isFinite(domainValues[i]) && domainCounts[i] > 0, "value count");
        }
        KllDoublesSketch kll = KllDoublesSketch.heapify(Memory.wrap(Formats.readBlock(in)));
        Formats.check(kll.getN() == count, "sketch does not match the count");
        NumberState state = new NumberState(kll);
        state.count = count;
        state.missing = missing;
        state.shift = shift;
        state.sum = sum;
        state.sumSquares = sumSquares;
        state.min = min;
        state.max = max;
        state.exact = exact;
        if (domainSize >= 0) {
            state.domainKeys = new long[DOMAIN_SLOTS];
            Arrays.fill(state.domainKeys, EMPTY);
            state.domainCounts = new long[DOMAIN_SLOTS];
            for (int i = 0; i < domainSize; i++) {
                state.countInDomain(Double.doubleToRawLongBits(domainValues[i] + 0.0), domainCounts[i]);
            }
            Formats.check(state.domainSize == domainSize, "duplicate value counts");
        }
        return state;
    }
}
