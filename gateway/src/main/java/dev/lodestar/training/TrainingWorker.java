package dev.lodestar.training;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import dev.lodestar.training.model.JobStatus;
import dev.lodestar.training.model.TrainingJobEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * This gateway's training workers: a bounded pool ({@code lodestar.training.workers}) that claims jobs and runs
 * them through {@link JobExecution}.
 *
 * <p>A job is claimed with {@code FOR UPDATE SKIP LOCKED}, so gateways sharing the database never take the same
 * job, and held by a lease: the worker's name ({@code host/pid/random}, also in the job's log and final audit event)
 * and a time, renewed every third of the lease while the job runs.
 * Claimable are queued jobs and running jobs whose lease ran out, which means their worker died; each claim
 * counts an attempt, and a job claimed again after {@code max-attempts} attempts is given up as {@code FAILED}.
 * A worker that lost its lease (it stalled longer than the lease and another took the job over) notices at its
 * next checkpoint and stops without writing anything.
 */
@ApplicationScoped
public class TrainingWorker {

    private static final Logger LOG = Logger.getLogger(TrainingWorker.class);

    private final EntityManager entityManager;
    private final TrainingConfig config;
    private final TrainingJobs jobs;
    private final JobExecution execution;
    private final ManagedExecutor async;
    private final String owner;
    private final Set<UUID> held = ConcurrentHashMap.newKeySet();
    private final AtomicInteger busy = new AtomicInteger();
    private ExecutorService workers;
    private ScheduledExecutorService leases;
    private volatile boolean stopping;

    TrainingWorker(EntityManager entityManager, TrainingConfig config, TrainingJobs jobs, JobExecution execution,
            ManagedExecutor async) {
        this.entityManager = entityManager;
        this.config = config;
        this.jobs = jobs;
        this.execution = execution;
        this.async = async;
        this.owner = hostName() + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A job claimed for a run: its id and which attempt this is. */
    record Claim(UUID jobId, int attempt) {
    }

    void start(@Observes StartupEvent event) {
        if (config.workers() <= 0) {
            LOG.info("Training workers: none on this gateway (lodestar.training.workers=0)");
            return;
        }
        AtomicInteger threads = new AtomicInteger();
        workers = Executors.newFixedThreadPool(config.workers(), task -> {
            Thread thread = new Thread(task, "lodestar-training-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        leases = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "lodestar-training-leases");
            thread.setDaemon(true);
            return thread;
        });
        long renewEvery = Math.max(100, config.lease().toMillis() / 3);
        leases.scheduleAtFixedRate(this::renewLeases, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
        LOG.infof("Training workers: %d as %s, lease %s", config.workers(), owner, config.lease());
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (leases != null) {
            leases.shutdownNow();
        }
        if (workers != null) {
            // Jobs still running keep their lease until it runs out; then another gateway retries them.
            workers.shutdownNow();
        }
    }

    void onQueued(@Observes(during = TransactionPhase.AFTER_SUCCESS) TrainingJobs.JobQueued queued) {
        async.runAsync(this::fill);
    }

    @Scheduled(every = "${lodestar.training.poll-every:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        fill();
    }

    /** This worker's name in {@code lease_owner}. */
    String owner() {
        return owner;
    }

    /** Claims jobs while a worker is free. */
    synchronized void fill() {
        if (workers == null || stopping) {
            return;
        }
        while (busy.get() < config.workers()) {
            Claim claim;
            try {
                claim = QuarkusTransaction.requiringNew().call(this::claimNext);
            } catch (RuntimeException e) {
                LOG.errorf(e, "Claiming a training job failed; the next poll retries");
                return;
            }
            if (claim == null) {
                return;
            }
            if (claim.attempt() == 0) {
                continue; // a stale job was closed instead of claimed; look for another
            }
            busy.incrementAndGet();
            held.add(claim.jobId());
            workers.execute(() -> {
                try {
                    execution.run(claim.jobId(), owner, claim.attempt());
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Training job %s stopped unexpectedly", claim.jobId());
                } finally {
                    held.remove(claim.jobId());
                    busy.decrementAndGet();
                    if (!stopping) {
                        async.runAsync(this::fill);
                    }
                }
            });
        }
    }

    /**
     * Takes the oldest claimable job: queued, or running under a lease that ran out. Null when there is none; a
     * claim of attempt 0 when the job was closed instead (cancelled while its worker was gone, or out of attempts).
     */
    private Claim claimNext() {
        @SuppressWarnings("unchecked")
        List<Object> found = entityManager.createNativeQuery("select id from training_job"
                + " where status = 'QUEUED' or (status = 'RUNNING' and lease_until < now())"
                + " order by created_at limit 1 for update skip locked").getResultList();
        if (found.isEmpty()) {
            return null;
        }
        UUID id = (UUID) found.get(0);
        TrainingJobEntity job = entityManager.find(TrainingJobEntity.class, id);
        if (job.status == JobStatus.RUNNING) {
            jobs.appendLog(id, "attempt " + job.attempts + " stopped answering (its lease held by " + job.leaseOwner
                    + " ran out)");
            if (job.cancelRequested) {
                execution.close(job, JobStatus.CANCELLED, null);
                return new Claim(id, 0);
            }
            if (job.attempts >= config.maxAttempts()) {
                execution.close(job, JobStatus.FAILED, "given up after " + job.attempts + " attempts: the worker of each"
                        + " stopped before the job finished");
                return new Claim(id, 0);
            }
        }
        int attempt = job.attempts + 1;
        entityManager.createNativeQuery("update training_job set status = 'RUNNING', attempts = :attempt, lease_owner = :owner,"
                + " lease_until = now() + make_interval(secs => :lease), started_at = coalesce(started_at, now()),"
                + " stage = 'starting', error = null where id = :id")
                .setParameter("attempt", attempt).setParameter("owner", owner)
                .setParameter("lease", config.lease().toMillis() / 1000.0).setParameter("id", id).executeUpdate();
        jobs.appendLog(id, "attempt " + attempt + " started on " + owner);
        return new Claim(id, attempt);
    }

    /** Pushes the leases of the jobs this gateway runs forward; a job another worker took over is not touched. */
    private void renewLeases() {
        if (held.isEmpty()) {
            return;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("update training_job"
                    + " set lease_until = now() + make_interval(secs => :lease)"
                    + " where id in (:ids) and lease_owner = :owner and status = 'RUNNING'")
                    .setParameter("lease", config.lease().toMillis() / 1000.0).setParameter("ids", List.copyOf(held))
                    .setParameter("owner", owner).executeUpdate());
        } catch (RuntimeException e) {
            LOG.warnf(e, "Renewing training leases failed; retrying at the next beat");
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "gateway";
        }
    }
}
