package dev.lodestar.deploy;

/** Where a version stands on an inference replica. */
public enum ServingState {
    /** Verifying, loading and warming up. */
    LOADING,
    /** Loaded, warmed up, taking traffic in its role. */
    READY,
    /** Could not be loaded; the error says why. The version it was to replace keeps serving. */
    FAILED,
    /** Replaced; finishing the requests it had admitted before it is released. */
    DRAINING
}
