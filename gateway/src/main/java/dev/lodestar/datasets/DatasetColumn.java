package dev.lodestar.datasets;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.tribuo.InputSchema.ColumnType;

/** A column of a dataset: its header name and type. Also the JSON of the upload answer and of the stored columns. */
@Type("DatasetColumn")
@Description("A column of a dataset, in file order.")
public record DatasetColumn(@NonNull String name, @NonNull ColumnType type) {
}
