package dev.lodestar.audit;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Extends the audit hash chain shortly after events commit, on a thread of its own: a commit that wrote events asks
 * for a seal ({@link #sealSoon()}), which runs a tenth of a second later for every request made meanwhile. A sweep
 * every {@code lodestar.audit.seal-every} (1 s) seals whatever a request missed (another gateway's events, a seal
 * that lost the lock). Sealing never holds up the changes being audited.
 */
@ApplicationScoped
public class AuditSealer {

    private static final Logger LOG = Logger.getLogger(AuditSealer.class);
    private static final int BATCH = 5_000;
    /**
     * How long a seal request waits for others to join it: under load, one seal run per this interval takes all
     * the events committed meanwhile, instead of a run (six round trips to PostgreSQL) per commit.
     */
    private static final long GATHER_MILLIS = 100;

    private final DataSource dataSource;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "audit-sealer");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean requested = new AtomicBoolean();

    AuditSealer(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Seals waiting events within {@value #GATHER_MILLIS} ms, off the caller's thread; requests meanwhile join that run. */
    public void sealSoon() {
        if (requested.compareAndSet(false, true)) {
            try {
                worker.schedule(() -> {
                    requested.set(false);
                    sealWaiting();
                }, GATHER_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // The application is shutting down; the next start's sweep seals these events.
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Scheduled(every = "${lodestar.audit.seal-every:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sealWaiting() {
        try {
            sealAll();
        } catch (SQLException e) {
            LOG.errorf(e, "Sealing the audit trail failed; the next run retries");
        }
    }

    /** Seals every event waiting now; returns how many. */
    public long sealAll() throws SQLException {
        long total = 0;
        try (Connection db = dataSource.getConnection()) {
            int sealed;
            do {
                sealed = AuditChain.seal(db, BATCH);
                total += sealed;
            } while (sealed == BATCH);
        }
        return total;
    }
}
