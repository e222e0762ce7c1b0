package dev.lodestar.approvals.model;

/** Where a promotion request is; every status but {@link #OPEN} is final. */
public enum PromotionStatus {
    OPEN, APPROVED, REJECTED, CANCELLED, EXPIRED
}
