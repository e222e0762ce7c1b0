package dev.lodestar.inference.drift;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.jboss.logging.Logger;

import dev.lodestar.drift.sketch.ColumnKind;
import dev.lodestar.drift.sketch.Profile;
import dev.lodestar.drift.sketch.ProfileBuilder;
import dev.lodestar.drift.sketch.ProfileColumn;
import dev.lodestar.inference.serving.ServableModel;
import dev.lodestar.inference.serving.ServedVersion;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The live profiles of what this server scores: per deployment, answering version (primary, canary, and the shadow
 * as its own version) and time window, a {@code features} {@link Profile} (the version's input columns, raw values)
 * and a {@code predictions} profile (one column {@value #PREDICTION}: the label, or the regression value).
 *
 * <p>The predict path only hands rows off: {@link #offer} puts references to the row cells and answers it already
 * holds on a lock-free queue, bounded by a count of pending rows. When the bound is reached the rows are dropped and
 * counted (per window, shipped as {@code dropped}), so a predict never waits for folding. One background thread folds
 * the queued rows into the windows' sketches; memory is bounded by the pending rows, the sketches' fixed sizes and
 * the number of windows kept.
 *
 * <p>Windows are aligned to multiples of the window length from the epoch; a call's rows fall in the window of the
 * second it was answered in. A window is <em>closed</em> {@value #CLOSE_GRACE_SECONDS} s after its end (rows still
 * queued by then are folded in). Who ships the windows takes {@link #pending} snapshots and acknowledges them with
 * {@link #shipped}: a closed window is forgotten once its final state was acknowledged. Without a shipper closed windows
 * are forgotten at once. Rows of a window already forgotten are counted as late and not folded.
 */
public final class LiveProfiles implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LiveProfiles.class);

    /** The name of the predictions profile's one column. */
    public static final String PREDICTION = "prediction";

    /** Seconds after its end until a window is closed: rows answered just before the end are folded by then. */
    public static final long CLOSE_GRACE_SECONDS = 2;

    /** Entries of at least this many rows are folded column by column (the sketches' fast path). */
    private static final int COLUMNAR_ROWS = 16;

    private final long windowSeconds;
    private final int capacity;
    private final int retainedWindows;
    private final InstantSource clock;
    private final Queue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<WindowKey, DropCount> drops = new ConcurrentHashMap<>();
    private final ReentrantLock folding = new ReentrantLock();
    /** Every window held, by key (ordered by start); guarded by {@link #folding}. */
    private final TreeMap<WindowKey, Window> windows = new TreeMap<>();
    private final Counter droppedRows;
    private final Counter lateRows;
    private final Counter droppedWindows;
    private final Thread folder;
    private final boolean shipped;
    private volatile boolean running = true;
    /** Windows starting before this second were forgotten; guarded by {@link #folding}. */
    private long forgottenBefore = Long.MIN_VALUE;
    private boolean foldFailed;
    private ServedVersion lastVersion;
    private long lastStart;
    private Window lastWindow;
    private double[] numberScratch = new double[256];
    private String[] textScratch = new String[256];

    /**
     * @param window          the window length, whole seconds
     * @param bufferRows      rows handed off but not yet folded beyond which rows are dropped
     * @param retainedWindows closed windows kept while they cannot be shipped; the oldest beyond this are dropped
     * @param shipped         whether someone ships the windows: closed windows are then kept until their final state
     *                        is {@link #shipped acknowledged}, else forgotten as they close
     * @param clock           what decides when windows close
     */
    public LiveProfiles(Duration window, int bufferRows, int retainedWindows, boolean shipped, InstantSource clock,
            MeterRegistry registry) {
        if (window.getSeconds() < 1 || window.getNano() != 0) {
            throw new IllegalArgumentException("the window must be a whole number of seconds, at least 1: " + window);
        }
        this.windowSeconds = window.getSeconds();
        this.capacity = bufferRows;
        this.retainedWindows = retainedWindows;
        this.shipped = shipped;
        this.clock = clock;
        this.droppedRows = Counter.builder("lodestar.drift.rows.dropped")
                .description("Rows not profiled because the hand-off buffer was full").register(registry);
        this.lateRows = Counter.builder("lodestar.drift.rows.late")
                .description("Rows not profiled because their window was already shipped and forgotten").register(registry);
        this.droppedWindows = Counter.builder("lodestar.drift.windows.dropped")
                .description("Closed windows given up because they could not be shipped in time").register(registry);
        Gauge.builder("lodestar.drift.rows.pending", pending, AtomicInteger::get)
                .description("Rows handed off and not yet profiled").register(registry);
        this.folder = new Thread(this::fold, "drift-fold");
        this.folder.setDaemon(true);
        this.folder.start();
    }

    /** The window length. */
    public Duration window() {
        return Duration.ofSeconds(windowSeconds);
    }

    /** Hands one answered row off (never blocks): the row's cells as the version laid them out, and its answer. */
    public void offer(ServedVersion version, long epochSecond, Object[] row, ServableModel.Answer answer) {
        if (take(1) == 1) {
            queue.offer(new Entry(version, epochSecond, row, answer, null, null, 1));
        } else {
            drop(version, epochSecond, 1);
        }
    }

    /**
     * Hands the first {@code count} answered rows of a call off (never blocks). When the buffer has room for only
     * some of them, the first ones are kept and the others dropped.
     */
    public void offer(ServedVersion version, long epochSecond, Object[][] rows, ServableModel.Answer[] answers, int count) {
        if (count == 0) {
            return;
        }
        int taken = take(count);
        if (taken > 0) {
            queue.offer(new Entry(version, epochSecond, null, null, rows, answers, taken));
        }
        if (taken < count) {
            drop(version, epochSecond, count - taken);
        }
    }

    /** Reserves room for up to {@code count} rows; the number reserved. */
    private int take(int count) {
        while (true) {
            int now = pending.get();
            int free = capacity - now;
            if (free <= 0) {
                return 0;
            }
            int taken = Math.min(free, count);
            if (pending.compareAndSet(now, now + taken)) {
                return taken;
            }
        }
    }

    private void drop(ServedVersion version, long epochSecond, int count) {
        droppedRows.increment(count);
        drops.computeIfAbsent(new WindowKey(version.deployment(), version.version(), start(epochSecond)),
                key -> new DropCount(version, new AtomicLong())).count().addAndGet(count);
    }

    private long start(long epochSecond) {
        return Math.floorDiv(epochSecond, windowSeconds) * windowSeconds;
    }

    /** Rows handed off and not yet folded. */
    public int pendingRows() {
        return pending.get();
    }

    /** Waits up to {@code timeout} until every row handed off so far is folded; whether it was. */
    public boolean awaitFolded(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0) {
            if (System.nanoTime() > deadline || !running) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    /**
     * Holds folding (and snapshots) until the returned handle is closed; rows keep being handed off and are dropped
     * once the buffer is full. For maintenance, and for tests that show the predict path never waits on folding.
     */
    public AutoCloseable holdFolding() {
        folding.lock();
        return folding::unlock;
    }

    private void fold() {
        int idle = 0;
        long lastMaintenance = System.nanoTime();
        while (running) {
            long now = System.nanoTime();
            if (now - lastMaintenance > TimeUnit.MILLISECONDS.toNanos(100)) {
                lastMaintenance = now;
                maintain();
            }
            Entry entry = queue.poll();
            if (entry == null) {
                // Parks briefly while rows keep coming, longer when idle; the predict path never wakes this thread.
                LockSupport.parkNanos(idle++ < 100 ? 1_000_000 : 10_000_000);
                continue;
            }
            idle = 0;
            folding.lock();
            try {
                int folded = 0;
                while (entry != null) {
                    try {
                        foldEntry(entry);
                    } catch (RuntimeException e) {
                        failed(entry, e);
                    } finally {
                        pending.addAndGet(-entry.count);
                    }
                    if (++folded == 256) {
                        break;
                    }
                    entry = queue.poll();
                }
            } finally {
                folding.unlock();
            }
        }
    }

    /** Rows that could not be folded (a bug, not load): counted as dropped, the first failure logged. */
    private void failed(Entry entry, RuntimeException e) {
        droppedRows.increment(entry.count);
        if (!foldFailed) {
            foldFailed = true;
            LOG.errorf(e, "Could not profile rows of %s version %d; such rows are counted as dropped",
                    entry.version.deployment(), entry.version.version());
        }
    }

    private void foldEntry(Entry entry) {
        Window window = windowOf(entry.version, start(entry.epochSecond));
        if (window == null) {
            lateRows.increment(entry.count);
            return;
        }
        if (entry.rows == null) {
            foldRow(window, entry.row, entry.answer);
        } else if (entry.count < COLUMNAR_ROWS) {
            for (int r = 0; r < entry.count; r++) {
                foldRow(window, entry.rows[r], entry.answers[r]);
            }
        } else {
            foldColumns(window, entry.rows, entry.answers, entry.count);
        }
        window.rows += entry.count;
        window.changes++;
    }

    private void foldRow(Window window, Object[] row, ServableModel.Answer answer) {
        ProfileBuilder features = window.features;
        boolean[] numeric = window.numeric;
        for (int c = 0; c < numeric.length; c++) {
            Object cell = row[c];
            if (numeric[c]) {
                features.number(c, cell == null ? Double.NaN : (Double) cell);
            } else {
                features.text(c, (String) cell);
            }
        }
        features.endRow();
        if (window.regression) {
            window.predictions.number(0, answer.value());
        } else {
            window.predictions.text(0, answer.label());
        }
        window.predictions.endRow();
    }

    private void foldColumns(Window window, Object[][] rows, ServableModel.Answer[] answers, int count) {
        if (numberScratch.length < count) {
            numberScratch = new double[Math.max(count, numberScratch.length * 2)];
            textScratch = new String[numberScratch.length];
        }
        double[] numbers = numberScratch;
        String[] texts = textScratch;
        boolean[] numeric = window.numeric;
        for (int c = 0; c < numeric.length; c++) {
            if (numeric[c]) {
                for (int r = 0; r < count; r++) {
                    Object cell = rows[r][c];
                    numbers[r] = cell == null ? Double.NaN : (Double) cell;
                }
                window.features.numbers(c, numbers, 0, count);
            } else {
                for (int r = 0; r < count; r++) {
                    texts[r] = (String) rows[r][c];
                }
                window.features.texts(c, texts, 0, count);
            }
        }
        window.features.endRows(count);
        if (window.regression) {
            for (int r = 0; r < count; r++) {
                numbers[r] = answers[r].value();
            }
            window.predictions.numbers(0, numbers, 0, count);
        } else {
            for (int r = 0; r < count; r++) {
                texts[r] = answers[r].label();
            }
            window.predictions.texts(0, texts, 0, count);
        }
        window.predictions.endRows(count);
        java.util.Arrays.fill(texts, 0, count, null);
    }

    /** The window of a version starting at {@code start}, created if needed; null if it was forgotten. */
    private Window windowOf(ServedVersion version, long start) {
        if (version == lastVersion && start == lastStart && lastWindow.live) {
            return lastWindow;
        }
        if (start < forgottenBefore) {
            return null;
        }
        WindowKey key = new WindowKey(version.deployment(), version.version(), start);
        Window window = windows.get(key);
        if (window == null) {
            window = new Window(key, version);
            windows.put(key, window);
        }
        lastVersion = version;
        lastStart = start;
        lastWindow = window;
        return window;
    }

    /** Moves dropped-row counts into their windows; forgets closed windows when nobody ships them. */
    private void maintain() {
        folding.lock();
        try {
            long now = clock.instant().getEpochSecond();
            moveDrops(now);
            if (!shipped) {
                windows.values().removeIf(window -> {
                    boolean gone = closed(window.key.start(), now);
                    if (gone) {
                        forget(window);
                    }
                    return gone;
                });
            }
        } finally {
            folding.unlock();
        }
    }

    /** Adds the rows dropped on the predict path to their windows' counts (a window of dropped rows only is kept). */
    private void moveDrops(long now) {
        for (Iterator<Map.Entry<WindowKey, DropCount>> it = drops.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<WindowKey, DropCount> drop = it.next();
            WindowKey key = drop.getKey();
            long count = drop.getValue().count().getAndSet(0);
            if (count > 0) {
                if (key.start() < forgottenBefore) {
                    lateRows.increment(count);
                } else {
                    Window window = windows.computeIfAbsent(key, k -> new Window(k, drop.getValue().version()));
                    window.dropped += count;
                    window.changes++;
                }
            }
            if (closed(key.start(), now)) {
                it.remove();
            }
        }
    }

    private boolean closed(long start, long now) {
        return now >= start + windowSeconds + CLOSE_GRACE_SECONDS;
    }

    private void forget(Window window) {
        window.live = false;
        forgottenBefore = Math.max(forgottenBefore, window.key.start() + windowSeconds);
    }

    /**
     * One window's state when a snapshot was taken.
     *
     * @param deployment  the deployment's name
     * @param model       the registered model the version belongs to (null if unknown)
     * @param version     the answering version
     * @param start       the window's start (inclusive)
     * @param end         its end (exclusive)
     * @param rows        rows profiled
     * @param dropped     rows answered in the window but not profiled (buffer full)
     * @param features    the features profile
     * @param predictions the predictions profile
     * @param closed      whether this is the window's final state
     * @param changes     the window's change count at the snapshot, to acknowledge it with
     */
    public record WindowSnapshot(String deployment, String model, int version, Instant start, Instant end, long rows,
            long dropped, Profile features, Profile predictions, boolean closed, long changes) {
    }

    /**
     * Snapshots of the windows to ship: each that changed since it was last {@link #shipped acknowledged}, and each
     * closed one (its final state). Closed windows beyond the retained count are dropped here, oldest first.
     */
    public List<WindowSnapshot> pending() {
        folding.lock();
        try {
            long now = clock.instant().getEpochSecond();
            moveDrops(now);
            int closedCount = 0;
            for (Window window : windows.values()) {
                if (closed(window.key.start(), now)) {
                    closedCount++;
                }
            }
            for (Iterator<Window> it = windows.values().iterator(); it.hasNext() && closedCount > retainedWindows; ) {
                Window window = it.next();
                if (closed(window.key.start(), now)) {
                    it.remove();
                    forget(window);
                    droppedWindows.increment();
                    closedCount--;
                    LOG.warnf("Dropped the unshipped window %s of %s version %d", Instant.ofEpochSecond(window.key.start()),
                            window.key.deployment(), window.key.version());
                }
            }
            List<WindowSnapshot> snapshots = new ArrayList<>();
            for (Window window : windows.values()) {
                boolean closed = closed(window.key.start(), now);
                if (closed || window.changes != window.shippedChanges) {
                    snapshots.add(window.snapshot(windowSeconds, closed));
                }
            }
            return snapshots;
        } finally {
            folding.unlock();
        }
    }

    /**
     * Acknowledges snapshots as shipped: a window unchanged since its snapshot is not shipped again until it changes,
     * and a closed one is forgotten.
     */
    public void shipped(List<WindowSnapshot> snapshots) {
        folding.lock();
        try {
            for (WindowSnapshot snapshot : snapshots) {
                WindowKey key = new WindowKey(snapshot.deployment(), snapshot.version(), snapshot.start().getEpochSecond());
                Window window = windows.get(key);
                if (window == null || window.changes != snapshot.changes()) {
                    continue;
                }
                window.shippedChanges = snapshot.changes();
                if (snapshot.closed()) {
                    windows.remove(key);
                    forget(window);
                }
            }
        } finally {
            folding.unlock();
        }
    }

    /** Stops folding; rows still queued are not profiled. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(folder);
    }

    private record WindowKey(String deployment, int version, long start) implements Comparable<WindowKey> {
        @Override
        public int compareTo(WindowKey other) {
            int byStart = Long.compare(start, other.start);
            if (byStart != 0) {
                return byStart;
            }
            int byDeployment = deployment.compareTo(other.deployment);
            return byDeployment != 0 ? byDeployment : Integer.compare(version, other.version);
        }
    }

    /** Rows of a window dropped on the predict path, not yet added to the window's count. */
    private record DropCount(ServedVersion version, AtomicLong count) {
    }

    /** Handed-off rows: one ({@code row}, {@code answer}) or a call's ({@code rows}, {@code answers}). */
    private record Entry(ServedVersion version, long epochSecond, Object[] row, ServableModel.Answer answer,
            Object[][] rows, ServableModel.Answer[] answers, int count) {
    }

    /** One window's builders and counts; touched under {@link #folding} only. */
    private static final class Window {
        final WindowKey key;
        final String model;
        final ProfileBuilder features;
        final ProfileBuilder predictions;
        final boolean[] numeric;
        final boolean regression;
        long rows;
        long dropped;
        long changes;
        long shippedChanges = -1;
        boolean live = true;

        Window(WindowKey key, ServedVersion version) {
            this.key = key;
            this.model = version.model();
            ServableModel servable = version.servable();
            List<ServableModel.Column> columns = servable.columns();
            List<ProfileColumn> profiled = new ArrayList<>(columns.size());
            numeric = new boolean[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                numeric[c] = !columns.get(c).text();
                profiled.add(new ProfileColumn(columns.get(c).name(), numeric[c] ? ColumnKind.NUMBER : ColumnKind.TEXT));
            }
            features = new ProfileBuilder(profiled);
            regression = servable.regression();
            predictions = new ProfileBuilder(List.of(new ProfileColumn(PREDICTION,
                    regression ? ColumnKind.NUMBER : ColumnKind.TEXT)));
        }

        WindowSnapshot snapshot(long windowSeconds, boolean closed) {
            return new WindowSnapshot(key.deployment(), model, key.version(), Instant.ofEpochSecond(key.start()),
                    Instant.ofEpochSecond(key.start() + windowSeconds), rows, dropped, features.build(), predictions.build(),
                    closed, changes);
        }
    }
}
