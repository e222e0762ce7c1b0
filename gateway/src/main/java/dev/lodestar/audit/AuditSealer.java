package dev.lodestar.audit;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Extends the audit hash chain shortly after events commit: every {@code lodestar.audit.seal-every} (250 ms), all
 * waiting events are sealed, in batches. Sealing never holds up the changes being audited.
 */
@ApplicationScoped
public class AuditSealer {

    private static final Logger LOG = Logger.getLogger(AuditSealer.class);
    private static final int BATCH = 5_000;

    private final DataSource dataSource;

    AuditSealer(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Scheduled(every = "${lodestar.audit.seal-every:0.25s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
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
