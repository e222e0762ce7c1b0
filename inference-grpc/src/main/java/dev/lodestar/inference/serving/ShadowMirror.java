package dev.lodestar.inference.serving;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.lodestar.inference.drift.LiveProfiles;

/**
 * Scores copies of requests with a deployment's shadow version, off the request path: on its own small
 * thread pool with a bounded queue. When the queue is full the copy is dropped and counted, so a slow shadow
 * never slows or fails the requests it mirrors. Answers are recorded (metrics, the deployment's recent
 * comparisons, and the shadow version's live profiles), never returned.
 */
public final class ShadowMirror {

    private static final Logger LOG = Logger.getLogger(ShadowMirror.class);

    private final ThreadPoolExecutor executor;
    private final LiveProfiles profiles;

    /** A mirror whose shadow answers are profiled in {@code profiles} as their version's. */
    public ShadowMirror(int threads, int queue, LiveProfiles profiles) {
        this.profiles = profiles;
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread thread = new Thread(r, "shadow-scoring");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Queues the shadow scoring of a row the {@code served} version answered with {@code answer} in
     * {@code epochSecond}. The row is read again from {@code features} when the shadow's columns differ from the
     * served version's (skipped when only the laid-out row is known).
     */
    public void mirror(Deployment deployment, ServedVersion shadow, ServedVersion served,
            java.util.Map<String, dev.lodestar.inference.v1.FeatureValue> features, Object[] row,
            ServableModel.Answer answer, String predictionId, long epochSecond) {
        try {
            executor.execute(() -> {
                Object[] shadowRow = row;
                if (!shadow.servable().columns().equals(served.servable().columns())) {
                    if (features == null) {
                        return;
                    }
                    try {
                        shadowRow = shadow.servable().row(features);
                    } catch (IllegalArgumentException e) {
                        shadow.failed(io.grpc.Status.Code.INVALID_ARGUMENT);
                        return;
                    }
                }
                score(deployment, shadow, served, shadowRow, answer, predictionId, epochSecond);
            });
        } catch (RejectedExecutionException e) {
            deployment.shadowDropped.increment();
        }
    }

    private void score(Deployment deployment, ServedVersion shadow, ServedVersion served, Object[] row,
            ServableModel.Answer answer, String predictionId, long epochSecond) {
        if (!shadow.acquire()) {
            return;
        }
        try {
            ServableModel.Answer shadowAnswer = shadow.servable().score(row);
            profiles.offer(shadow, epochSecond, row, shadowAnswer);
            String servedText = text(served.servable(), answer);
            String shadowText = text(shadow.servable(), shadowAnswer);
            boolean agrees = served.servable().regression()
                    ? Math.abs(answer.value() - shadowAnswer.value()) <= 1e-9 * Math.max(1, Math.abs(answer.value()))
                    : servedText.equals(shadowText);
            shadow.shadowScored(agrees);
            deployment.recordShadow(new Deployment.ShadowRecord(predictionId, served.version(), shadow.version(),
                    servedText, shadowText, agrees));
        } catch (RuntimeException e) {
            LOG.debugf("Shadow version %d of %s failed on a row: %s", shadow.version(), deployment.name(), e.getMessage());
            shadow.failed(io.grpc.Status.Code.INTERNAL);
        } finally {
            shadow.release();
        }
    }

    static String text(ServableModel model, ServableModel.Answer answer) {
        return model.regression() ? Double.toString(answer.value()) : answer.label();
    }

    public void close() {
        executor.shutdownNow();
    }
}
