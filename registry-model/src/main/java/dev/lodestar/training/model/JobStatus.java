package dev.lodestar.training.model;

/** Where a training job is. {@code SUCCEEDED}, {@code FAILED} and {@code CANCELLED} are final. */
public enum JobStatus {
    /** Waiting for a worker. */
    QUEUED,
    /** Held by a worker under a lease; retried by another worker if the lease runs out. */
    RUNNING,
    /** Trained, evaluated and registered: the model version is waiting for or has passed registration. */
    SUCCEEDED,
    /** Stopped by an error, an unmet evaluation gate or too many attempts; the error says which. */
    FAILED,
    /** Cancelled before it finished; nothing it would have registered was registered. */
    CANCELLED;

    /** True for the statuses a job never leaves. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
