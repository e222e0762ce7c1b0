package dev.lodestar.inference.drift;

import java.util.List;

/**
 * The body of {@code POST /api/serving/windows} (contract 3): this process's windows that changed since the last
 * shipment, each as its cumulative state, and the outcomes received since. Serialized as JSON as is; byte arrays
 * are written in base64.
 *
 * @param replicaId   the replica that sends, as it reports itself
 * @param incarnation this process (the unique parts of its prediction ids start with it): the gateway replaces what
 *                    the same replica and incarnation sent before for the same window
 * @param windows     the windows
 * @param feedback    actual outcomes of predictions, as received by {@code Feedback}
 */
public record WindowShipment(String replicaId, String incarnation, List<Window> windows, List<Outcome> feedback) {

    /**
     * One window's cumulative state in this process.
     *
     * @param deployment  the deployment
     * @param model       the registered model of the answering version
     * @param version     the answering version
     * @param start       the window's start, ISO-8601 UTC (inclusive)
     * @param end         its end (exclusive)
     * @param rows        rows profiled
     * @param dropped     rows answered but not profiled
     * @param features    {@code Profile.toBytes()} of the input columns
     * @param predictions {@code Profile.toBytes()} of the answers (column {@code prediction})
     */
    public record Window(String deployment, String model, int version, String start, String end, long rows,
            long dropped, byte[] features, byte[] predictions) {

        /** The entry of a window snapshot. */
        public static Window of(LiveProfiles.WindowSnapshot snapshot) {
            return new Window(snapshot.deployment(), snapshot.model(), snapshot.version(), snapshot.start().toString(),
                    snapshot.end().toString(), snapshot.rows(), snapshot.dropped(), snapshot.features().toBytes(),
                    snapshot.predictions().toBytes());
        }
    }

    /**
     * The actual outcome of one prediction.
     *
     * @param predictionId the prediction's id
     * @param actual       the true label (classification) or value as decimal text (regression)
     */
    public record Outcome(String predictionId, String actual) {
    }
}
