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
    RUN_TAG_DELETED(ResourceType.RUN);

    private final ResourceType resourceType;

    AuditAction(ResourceType resourceType) {
        this.resourceType = resourceType;
    }

    /** The kind of resource this action changes. */
    public ResourceType resourceType() {
        return resourceType;
    }
}
