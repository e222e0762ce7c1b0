package dev.lodestar.audit;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.AUDITOR;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import dev.lodestar.graphql.ApiException;

/**
 * {@code GET /api/audit/export?format=jsonl|csv&from=...&to=...}: the audit trail of a time range with its chain
 * hashes, streamed. Verify it offline with {@code java AuditChainFormat.java <file>}.
 */
@Path("/api/audit/export")
public class AuditExportResource {

    private final AuditTrail trail;

    AuditExportResource(AuditTrail trail) {
        this.trail = trail;
    }

    @GET
    @RolesAllowed({ AUDITOR, ADMIN })
    public Response export(@QueryParam("format") String format, @QueryParam("from") String from, @QueryParam("to") String to) {
        return download(trail, format, from, to);
    }

    /** The export as a download; shared with the admin's export link. */
    public static Response download(AuditTrail trail, String format, String from, String to) {
        AuditTrail.Format chosen = format(format);
        Instant start = time("from", from);
        // Up to now unless told otherwise: the export's own audit event comes after what it exports.
        Instant end = to == null || to.isBlank() ? Instant.now() : time("to", to);
        trail.recordExport(chosen, start, end);
        StreamingOutput body = out -> trail.export(chosen, start, end, out);
        String name = "lodestar-audit" + (start == null ? "" : "-from-" + start) + "-to-" + end + "." + chosen.extension;
        return Response.ok(body, chosen.mediaType + "; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"" + name.replace(':', '-') + "\"")
                .build();
    }

    private static AuditTrail.Format format(String format) {
        if (format == null || format.isBlank()) {
            return AuditTrail.Format.JSONL;
        }
        try {
            return AuditTrail.Format.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("format is jsonl or csv, got '" + format + "'");
        }
    }

    private static Instant time(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(name + " '" + value + "' is not an ISO-8601 date-time with offset, such as 2026-01-31T00:00:00Z");
        }
    }
}
