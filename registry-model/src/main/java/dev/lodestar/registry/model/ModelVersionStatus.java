package dev.lodestar.registry.model;

/** Where a model version is in its registration (MLflow's statuses). */
public enum ModelVersionStatus {
    /** Waiting for its artifact to be checked and inspected. */
    PENDING_REGISTRATION,
    /** Inspected: it may be promoted (and, for deployable formats, served). */
    READY,
    /** The artifact could not be verified or read; the status message says why. */
    FAILED_REGISTRATION
}
