package dev.lodestar.audit;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;

/** Which audit events to read; every field given must match. */
@Input("AuditFilter")
@Description("Which audit events to read; every field given must match. Times: from inclusive, to exclusive.")
public record AuditFilter(String actor, String action, String resourceType, String resourceId, Instant from, Instant to) {

    /** No filter. */
    public static final AuditFilter ALL = new AuditFilter(null, null, null, null, null, null);
}
