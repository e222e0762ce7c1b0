package dev.lodestar.drift.sketch;

import java.util.Objects;

/**
 * One column of a profile: its name (unique within a profile, and how profiles are matched when merged or compared)
 * and its kind.
 *
 * @param name the column's name, not blank
 * @param kind what the column holds
 */
public record ProfileColumn(String name, ColumnKind kind) {

    public ProfileColumn {
        Objects.requireNonNull(kind, "kind");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a profile column needs a name");
        }
    }
}
