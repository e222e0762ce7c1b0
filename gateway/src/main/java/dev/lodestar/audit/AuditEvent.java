package dev.lodestar.audit;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** One audit event, with its place in the hash chain once sealed. */
@Type("AuditEvent")
@Description("One recorded change: who did what to which resource, when, from where, and the resource before and after.")
public record AuditEvent(
        int sequence,
        @NonNull Instant at,
        @Description("User name of the actor; 'system' for Lodestar's own work.") @NonNull String actor,
        @Description("The actor's token subject, stable across renames.") @NonNull String actorSubject,
        @Description("The actor's realm roles at the time.") @NonNull List<@NonNull String> actorRoles,
        @NonNull String action,
        @NonNull String resourceType,
        @NonNull String resourceId,
        @Description("The resource before the change, as JSON (secrets redacted); null for creations.") String before,
        @Description("The resource after the change, as JSON (secrets redacted); null for deletions.") String after,
        @Description("The reason the actor gave.") String reason,
        @Description("The request that made the change (X-Request-Id).") String requestId,
        String clientAddress,
        @Description("Position in the hash chain; null until sealed (under a second after the change).") Integer chainPosition,
        @Description("The chain hash sealing this event and every one before it; null until sealed.") String chainHash) {
}
