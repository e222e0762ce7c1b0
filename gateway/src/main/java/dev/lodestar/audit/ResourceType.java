package dev.lodestar.audit;

/** The kinds of resources audit events are about. */
public enum ResourceType {
    EXPERIMENT, RUN, ARTIFACT, DATASET, JOB, MODEL, MODEL_VERSION, PROMOTION_REQUEST, DEPLOYMENT, USER, AUDIT_TRAIL, MONITOR, ALERT, WEBHOOK, RETRAINING, LINEAGE_EVENT
}
