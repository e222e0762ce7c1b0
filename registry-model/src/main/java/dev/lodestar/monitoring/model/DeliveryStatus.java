package dev.lodestar.monitoring.model;

/** Where a webhook delivery is. */
public enum DeliveryStatus {
    /** Waiting for its next attempt. */
    PENDING,
    /** The receiver answered 2xx. */
    DELIVERED,
    /** Every attempt failed; the last error says why. */
    FAILED
}
