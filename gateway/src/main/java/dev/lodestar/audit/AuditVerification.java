package dev.lodestar.audit;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** The outcome of recomputing the audit hash chain. */
@Type("AuditVerification")
@Description("The outcome of recomputing the audit hash chain from the stored events.")
public record AuditVerification(
        @Description("The chain is intact and every event is sealed or about to be.") boolean ok,
        @Description("Events whose hashes were recomputed and matched.") int checked,
        @Description("The first event found altered, removed, reordered or written around the audit log.") Integer firstBrokenSequence,
        @Description("What is wrong, for people.") String problem,
        @Description("Chain position of the last intact seal.") int headPosition,
        @Description("Hash at that position. Keep it: a later verification that no longer reaches it means the chain was rewritten.")
        String headHash,
        @Description("Events in the trail.") int events,
        @NonNull Instant verifiedAt,
        @Description("Milliseconds the verification took.") int tookMillis) {

    static AuditVerification of(AuditChain.Verification result, Instant at, int tookMillis) {
        return new AuditVerification(result.ok(), Math.toIntExact(result.checked()),
                result.firstBrokenSequence() == null ? null : Math.toIntExact(result.firstBrokenSequence()), result.problem(),
                Math.toIntExact(result.headPosition()), result.headHash(), Math.toIntExact(result.events()), at, tookMillis);
    }
}
