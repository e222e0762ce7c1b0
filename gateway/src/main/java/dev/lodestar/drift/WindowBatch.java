package dev.lodestar.drift;

import java.time.Instant;
import java.util.List;

/**
 * What an inference process sends to {@code POST /api/serving/windows}: the cumulative state of every window that
 * changed since its last send (and of each closed window once more), and the outcomes its {@code Feedback} call
 * received since then.
 *
 * @param replicaId   the replica, as in its reports
 * @param incarnation the process: a restarted replica starts its windows afresh under a new incarnation
 * @param windows     windows, each replacing what the same process sent before for it
 * @param feedback    outcomes; may be absent
 */
public record WindowBatch(String replicaId, String incarnation, List<Window> windows, List<OutcomeInput> feedback) {

    /**
     * One window of one deployment's version in this process.
     *
     * @param deployment  the deployment's name
     * @param model       the model's name
     * @param version     the version that answered
     * @param start       the window's start (inclusive)
     * @param end         its end (exclusive)
     * @param rows        rows profiled so far
     * @param dropped     rows not profiled because the buffers were full
     * @param features    base64 of the input columns' profile ({@code Profile.toBytes()})
     * @param predictions base64 of the predictions' profile
     */
    public record Window(String deployment, String model, Integer version, Instant start, Instant end, Long rows, Long dropped,
            String features, String predictions) {
    }
}
