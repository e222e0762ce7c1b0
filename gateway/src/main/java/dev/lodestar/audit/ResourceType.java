package dev.lodestar.audit;

/** The kinds of resources audit events are about. */
public enum ResourceType {
    EXPERIMENT, RUN, ARTIFACT, DATASET, MODEL, MODEL_VERSION, PROMOTION_REQUEST, USER, AUDIT_TRAIL, JOB
}
