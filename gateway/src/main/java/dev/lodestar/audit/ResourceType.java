package dev.lodestar.audit;

/** The kinds of resources audit events are about. */
public enum ResourceType {
    EXPERIMENT, RUN
}
