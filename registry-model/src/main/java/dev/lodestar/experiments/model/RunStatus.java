package dev.lodestar.experiments.model;

/** Where a run is in its life; every status but {@link #RUNNING} is terminal and sets the end time. */
public enum RunStatus {
    RUNNING, FINISHED, FAILED, KILLED;

    /** True for the statuses that end a run. */
    public boolean terminal() {
        return this != RUNNING;
    }
}
