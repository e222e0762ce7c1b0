package dev.lodestar.datasets;

import java.util.List;

/** The stored profile of a dataset version: one {@link ColumnProfile} per column, in file order. */
public record DatasetProfile(List<ColumnProfile> columns) {
}
