package dev.lodestar.audit;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.AUDITOR;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;

import dev.lodestar.graphql.Page;

/** The audit trail over GraphQL, for auditors and admins: read and verify; nobody can change it. */
@GraphQLApi
@RolesAllowed({ AUDITOR, ADMIN })
public class AuditGraphQL {

    private final AuditTrail trail;

    AuditGraphQL(AuditTrail trail) {
        this.trail = trail;
    }

    @Query
    @Description("Audit events matching the filter, newest first.")
    public @NonNull AuditEventConnection auditEvents(@Name("filter") AuditFilter filter, @Name("first") Integer first,
            @Name("after") String after) {
        return trail.page(filter, Page.of(first, after));
    }

    @Query
    @Description("One audit event.")
    public AuditEvent auditEvent(@Name("sequence") int sequence) {
        return trail.get(sequence);
    }

    @Query
    @Description("Seals the events waiting for it, then recomputes the whole hash chain from the stored events and names"
            + " the first one that was altered, removed or reordered.")
    public @NonNull AuditVerification verifyAuditTrail() {
        return trail.verify();
    }

    @Description("How many events match the filter.")
    public int totalCount(@Source AuditEventConnection connection) {
        return Math.toIntExact(connection.total());
    }
}
