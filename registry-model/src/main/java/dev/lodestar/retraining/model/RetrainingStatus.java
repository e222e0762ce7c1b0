package dev.lodestar.retraining.model;

/** Where a retraining is. Only {@code TRAINING} is open; at most one per model is. */
public enum RetrainingStatus {
    /** Its training job runs, or its new version is being registered. */
    TRAINING,
    /** The new version is READY and a promotion request to the alias is open for approvers. */
    REQUESTED,
    /** Not started: another retraining of the model was open. */
    SKIPPED,
    /** Could not start, or its job or registration failed; the error says why. */
    FAILED
}
