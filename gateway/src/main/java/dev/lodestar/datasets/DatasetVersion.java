package dev.lodestar.datasets;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** A dataset version as the API shows it. */
@Type("DatasetVersion")
@Description("A numbered version of a dataset, registered from a CSV upload (POST /api/datasets?name=...).")
public record DatasetVersion(
        @Id @NonNull String id,
        @NonNull String name,
        @Description("1 for the first version of the name, then one more for each upload.") int version,
        @Description("Data rows, the header not included.") long rows,
        @Description("SHA-256 of the CSV bytes, lower-case hex.") @NonNull String sha256,
        @Description("The stored CSV, at /api/artifacts/{artifactId}.") @Id @NonNull String artifactId,
        @Description("The columns in file order.") @NonNull List<@NonNull DatasetColumn> columns,
        @Description("A profile per column, in file order.") @NonNull List<@NonNull ColumnProfile> profile,
        @NonNull String createdBy,
        @NonNull Instant createdAt) {
}
