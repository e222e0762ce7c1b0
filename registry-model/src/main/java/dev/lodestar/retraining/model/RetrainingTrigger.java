package dev.lodestar.retraining.model;

/** What started a retraining. */
public enum RetrainingTrigger {
    /** An alert on a deployment of the model. */
    ON_ALERT,
    /** The policy's schedule came due. */
    SCHEDULE,
    /** A newer version of the dataset the alias's version was trained on was registered. */
    NEW_DATASET_VERSION
}
