package dev.lodestar.deploy;

/** The role a loaded version plays in a deployment on an inference replica. */
public enum ServingRole {
    /** Answers requests. */
    PRIMARY,
    /** Answers its share of requests. */
    CANARY,
    /** Receives copies of requests; its answers are never returned. */
    SHADOW
}
