package dev.lodestar.monitoring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import dev.lodestar.deploy.Deployments;
import dev.lodestar.deploy.model.DeploymentEntity;
import dev.lodestar.drift.DriftReport;
import dev.lodestar.drift.DriftReports;
import dev.lodestar.drift.FeatureDrift;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.identity.Actor;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.monitoring.model.AlertEntity;
import dev.lodestar.monitoring.model.MonitorEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Judges monitors on the closed windows of their deployment's traffic, on a schedule
 * ({@code lodestar.monitoring.interval}): a new monitor starts with the last closed window, and from then on every
 * window is judged in order, so windows that closed while no gateway was judging (a restart, a late tick) are
 * caught up on, the latest {@value #MAX_CATCH_UP} of them.
 *
 * <p>Windows are aligned to multiples of {@code lodestar.monitoring.window} from the epoch, as the inference
 * servers cut them, and judged {@code grace} after they close, once their last rows were shipped. Each monitor
 * is claimed with {@code FOR UPDATE SKIP LOCKED} in a transaction of its own, so gateways sharing the database
 * judge each monitor's window exactly once between them, and one failing monitor does not hold up the others.
 * The judgement, the alert it raises (if any) and the monitor's {@code checked_until} commit together.
 */
@ApplicationScoped
public class MonitorEvaluator {

    private static final Logger LOG = Logger.getLogger(MonitorEvaluator.class);
    private static final int MAX_FAILURES = 3;
    /** The most windows a monitor catches up on after a gap; older ones are skipped. */
    static final int MAX_CATCH_UP = 12;

    private final EntityManager entityManager;
    private final MonitoringConfig config;
    private final Monitors monitors;
    private final Deployments deployments;
    private final DriftReports drift;
    private final CurrentActor actor;

    MonitorEvaluator(EntityManager entityManager, MonitoringConfig config, Monitors monitors, Deployments deployments,
            DriftReports drift, CurrentActor actor) {
        this.entityManager = entityManager;
        this.config = config;
        this.monitors = monitors;
        this.deployments = deployments;
        this.drift = drift;
        this.actor = actor;
    }

    /** A judged window: the rule broke (with a message) or held. */
    record Verdict(boolean broken, String message) {
    }

    @Scheduled(every = "${lodestar.monitoring.interval:PT10S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        evaluate(Instant.now());
    }

    /**
     * Judges every monitor on each window it has not judged yet, up to the last window closed more than
     * {@code grace} before {@code now}; returns the alerts raised.
     */
    @ActivateRequestContext
    public List<Long> evaluate(Instant now) {
        actor.actAs(Actor.SYSTEM);
        long width = config.window().toMillis();
        long endMillis = Math.floorDiv(now.minus(config.grace()).toEpochMilli(), width) * width;
        Instant end = Instant.ofEpochMilli(endMillis);
        List<Long> raised = new ArrayList<>();
        Set<Long> tried = new HashSet<>();
        int failures = 0;
        while (true) {
            Long alert;
            try {
                Judged judged = QuarkusTransaction.requiringNew().call(() -> judgeNext(end, tried));
                if (judged == null) {
                    return raised;
                }
                if (judged.windowEnd().isBefore(end)) {
                    // Committed: its next window may be claimed in this tick too.
                    tried.remove(judged.monitor());
                }
                alert = judged.alert();
            } catch (RuntimeException e) {
                // The monitor claimed (if any) is in 'tried': the others are still judged, unless the database itself fails.
                LOG.errorf(e, "Judging a monitor on a window ending by %s failed; the next tick retries it", end);
                if (++failures >= MAX_FAILURES) {
                    return raised;
                }
                continue;
            }
            if (alert != null) {
                raised.add(alert);
            }
        }
    }

    /** One monitor judged on one window, and the alert raised (or null). */
    private record Judged(long monitor, Instant windowEnd, Long alert) {
    }

    /**
     * Claims one monitor not tried yet in this tick that has a window up to {@code end} left to judge, and judges
     * the earliest such window; null when none is left.
     */
    private Judged judgeNext(Instant end, Set<Long> tried) {
        @SuppressWarnings("unchecked")
        List<Number> found = entityManager.createNativeQuery("select id from monitor where (checked_until is null or checked_until < :end)"
                + " and id not in (:tried) order by id limit 1 for update skip locked")
                .setParameter("end", end).setParameter("tried", tried.isEmpty() ? List.of(-1L) : List.copyOf(tried)).getResultList();
        if (found.isEmpty()) {
            return null;
        }
        MonitorEntity monitor = entityManager.find(MonitorEntity.class, found.get(0).longValue());
        tried.add(monitor.id);
        Instant earliest = end.minus(config.window().multipliedBy(MAX_CATCH_UP));
        Instant start = monitor.checkedUntil == null ? end.minus(config.window())
                : monitor.checkedUntil.isBefore(earliest) ? earliest : monitor.checkedUntil;
        Instant windowEnd = start.plus(config.window());
        monitor.checkedUntil = windowEnd;
        DeploymentEntity deployment = deployments.find(monitor.deploymentName);
        if (deployment == null) {
            monitor.checkedUntil = end;
            return new Judged(monitor.id, end, null);
        }
        DriftReport report;
        try {
            report = drift.report(monitor.deploymentName, start, windowEnd);
        } catch (ApiException e) {
            LOG.warnf("Monitor %d: no drift report for %s: %s", monitor.id, monitor.deploymentName, e.getMessage());
            return new Judged(monitor.id, windowEnd, null);
        }
        Verdict verdict = judge(Monitor.of(monitor), report, config.minDriftRows());
        if (!verdict.broken()) {
            return new Judged(monitor.id, windowEnd, null);
        }
        AlertEntity alert = monitors.raise(monitor, deployment.modelId, report.version(), start, windowEnd, verdict.message(),
                drift.reportJson(report));
        return new Judged(monitor.id, windowEnd, alert == null ? null : alert.id);
    }

    /**
     * Whether {@code report} breaks {@code monitor}'s rule, and how, in words. Drift rules need at least
     * {@code minDriftRows} rows: a handful of requests cannot tell drift from chance.
     */
    static Verdict judge(Monitor monitor, DriftReport report, int minDriftRows) {
        long rows = report.rows();
        return switch (monitor.kind()) {
            case DATASET_DRIFT -> {
                List<String> drifted = report.features().stream().filter(FeatureDrift::drifted).map(FeatureDrift::feature).toList();
                yield new Verdict(rows >= minDriftRows && report.datasetDrift(), "dataset drift on " + monitor.deployment() + ": "
                        + drifted.size() + " of " + report.features().size() + " features drifted " + drifted + " over " + rows
                        + " rows");
            }
            case FEATURE_DRIFT -> {
                FeatureDrift feature = report.features().stream().filter(f -> f.feature().equals(monitor.feature())).findFirst()
                        .orElse(null);
                yield new Verdict(rows >= minDriftRows && feature != null && feature.drifted(), feature == null ? ""
                        : "feature '" + feature.feature() + "' drifted on " + monitor.deployment() + ": " + feature.test() + " "
                                + String.format(java.util.Locale.ROOT, "%.4f", feature.statistic()) + " against threshold "
                                + feature.threshold() + " over " + rows + " rows");
            }
            case PERFORMANCE_BELOW -> {
                Double value = WindowPerformance.of(report, monitor.metric());
                boolean broken = value != null && (Monitors.lowerIsBetter(monitor.metric()) ? value > monitor.bound()
                        : value < monitor.bound());
                yield new Verdict(broken, "live " + monitor.metric() + " of " + monitor.deployment() + " is " + value + ", "
                        + (Monitors.lowerIsBetter(monitor.metric()) ? "above" : "below") + " the bound " + monitor.bound());
            }
            case VOLUME -> {
                boolean low = monitor.minRows() != null && rows < monitor.minRows();
                boolean high = monitor.maxRows() != null && rows > monitor.maxRows();
                yield new Verdict(low || high, monitor.deployment() + " served " + rows + " rows in the window, "
                        + (low ? "fewer than the minimum " + monitor.minRows() : "more than the maximum " + monitor.maxRows()));
            }
        };
    }
}
