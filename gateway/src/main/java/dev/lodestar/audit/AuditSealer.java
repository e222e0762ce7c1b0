package dev.lodestar.audit;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Extends the audit hash chain right after events commit, on a thread of its own: a commit that wrote events asks
 * for a seal ({@link #sealSoon()}), and requests arriving while one runs are served by a single next run. A sweep
 * every {@code lodestar.audit.seal-every} (1 s) seals whatever a request missed (another gateway's events, a seal
 * that lost the lock). Sealing never holds up the changes being audited.
 */
@ApplicationScoped
public class AuditSealer {

    private static final Logger LOG = Logger.getLogger(AuditSealer.class);
    private static final int BATCH = 5_000;

    private final DataSource dataSource;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "audit-sealer");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean requested = new AtomicBoolean();

    AuditSealer(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Seals waiting events shortly, off the caller's thread; many requests before the next run make one run. */
    public void sealSoon() {
        if (requested.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    requested.set(false);
                    sealWaiting();
                });
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
