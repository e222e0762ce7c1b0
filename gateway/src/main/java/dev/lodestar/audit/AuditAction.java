package dev.lodestar.audit;

/** Every kind of state change Lodestar records, each about one kind of resource. */
public enum AuditAction {
    EXPERIMENT_CREATED(ResourceType.EXPERIMENT),
    EXPERIMENT_RENAMED(ResourceType.EXPERIMENT),
    EXPERIMENT_DESCRIBED(ResourceType.EXPERIMENT),
    EXPERIMENT_ARCHIVED(ResourceType.EXPERIMENT),
    EXPERIMENT_RESTORED(ResourceType.EXPERIMENT),
    EXPERIMENT_TAG_SET(ResourceType.EXPERIMENT),
    EXPERIMENT_TAG_DELETED(ResourceType.EXPERIMENT),
    RUN_CREATED(ResourceType.RUN),
    RUN_UPDATED(ResourceType.RUN),
    RUN_LOGGED(ResourceType.RUN),
    RUN_TAG_SET(ResourceType.RUN),
    RUN_TAG_DELETED(ResourceType.RUN),
    RUN_DELETED(ResourceType.RUN),
    RUN_RESTORED(ResourceType.RUN),
    RUN_ARTIFACT_LOGGED(ResourceType.RUN),
    ARTIFACT_STORED(ResourceType.ARTIFACT),
    DATASET_REGISTERED(ResourceType.DATASET),
    MODEL_CREATED(ResourceType.MODEL),
    MODEL_UPDATED(ResourceType.MODEL),
    MODEL_POLICY_CHANGED(ResourceType.MODEL),
    MODEL_TAG_SET(ResourceType.MODEL),
    MODEL_TAG_DELETED(ResourceType.MODEL),
    ALIAS_SET(ResourceType.MODEL),
    ALIAS_DELETED(ResourceType.MODEL),
    MODEL_VERSION_CREATED(ResourceType.MODEL_VERSION),
    MODEL_VERSION_READY(ResourceType.MODEL_VERSION),
    MODEL_VERSION_FAILED(ResourceType.MODEL_VERSION),
    MODEL_VERSION_UPDATED(ResourceType.MODEL_VERSION),
    MODEL_VERSION_TAG_SET(ResourceType.MODEL_VERSION),
    MODEL_VERSION_TAG_DELETED(ResourceType.MODEL_VERSION),
    PROMOTION_REQUESTED(ResourceType.PROMOTION_REQUEST),
    PROMOTION_APPROVAL_GIVEN(ResourceType.PROMOTION_REQUEST),
    PROMOTION_APPROVED(ResourceType.PROMOTION_REQUEST),
    PROMOTION_REJECTED(ResourceType.PROMOTION_REQUEST),
    PROMOTION_CANCELLED(ResourceType.PROMOTION_REQUEST),
    PROMOTION_EXPIRED(ResourceType.PROMOTION_REQUEST),
    DEPLOYMENT_CREATED(ResourceType.DEPLOYMENT),
    DEPLOYMENT_UPDATED(ResourceType.DEPLOYMENT),
    /** The alias a deployment follows moved, and the deployment with it (the reason names the move). */
    DEPLOYMENT_ALIAS_FOLLOWED(ResourceType.DEPLOYMENT),
    /** The alias a deployment follows was removed; the deployment keeps its version. */
    DEPLOYMENT_ALIAS_REMOVED(ResourceType.DEPLOYMENT),
    DEPLOYMENT_ROLLED_BACK(ResourceType.DEPLOYMENT),
    DEPLOYMENT_DELETED(ResourceType.DEPLOYMENT),
    ROLE_GRANTED(ResourceType.USER),
    ROLE_REVOKED(ResourceType.USER),
    AUDIT_TRAIL_EXPORTED(ResourceType.AUDIT_TRAIL),
    JOB_QUEUED(ResourceType.JOB),
    JOB_CANCEL_REQUESTED(ResourceType.JOB),
    JOB_CANCELLED(ResourceType.JOB),
    JOB_SUCCEEDED(ResourceType.JOB),
    JOB_FAILED(ResourceType.JOB),
    MONITOR_CREATED(ResourceType.MONITOR),
    MONITOR_DELETED(ResourceType.MONITOR),
    /** A monitor's rule broke on a window; recorded as the system. */
    ALERT_RAISED(ResourceType.ALERT),
    WEBHOOK_CREATED(ResourceType.WEBHOOK),
    WEBHOOK_DELETED(ResourceType.WEBHOOK),
    RETRAINING_POLICY_SET(ResourceType.MODEL),
    RETRAINING_POLICY_DELETED(ResourceType.MODEL),
    /** A retraining started its training job (or was skipped or refused; the after snapshot says which). */
    RETRAINING_STARTED(ResourceType.RETRAINING),
    /** A retraining's new version is READY and its promotion request is open. */
    RETRAINING_REQUESTED(ResourceType.RETRAINING),
    RETRAINING_FAILED(ResourceType.RETRAINING),
    /** Actual outcomes of a deployment's predictions were reported (one event per call, with the count). */
    FEEDBACK_LOGGED(ResourceType.DEPLOYMENT),
    /** A model's drift tests or thresholds changed. */
    DRIFT_SETTINGS_CHANGED(ResourceType.MODEL),
    /** A model version's reference profile was recorded (by its training job, or from a dataset). */
    REFERENCE_PROFILE_RECORDED(ResourceType.MODEL_VERSION),
    /** An OpenLineage event was accepted and merged into the lineage graph. */
    LINEAGE_EVENT_RECEIVED(ResourceType.LINEAGE_EVENT);

    private final ResourceType resourceType;

    AuditAction(ResourceType resourceType) {
        this.resourceType = resourceType;
    }

    /** The kind of resource this action changes. */
    public ResourceType resourceType() {
        return resourceType;
    }
}
