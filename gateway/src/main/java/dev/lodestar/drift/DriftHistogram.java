package dev.lodestar.drift;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * Reference and live distributions of one feature over the same bins, as shares of their rows.
 *
 * @param bins      bin labels: {@code [1.5, 2.0)} for numbers, category names for text
 * @param reference the reference's share per bin
 * @param current   the live share per bin
 */
@Type("DriftHistogram")
@Description("Reference and live shares over the same bins.")
public record DriftHistogram(@NonNull List<@NonNull String> bins, @NonNull List<@NonNull Double> reference,
        @NonNull List<@NonNull Double> current) {
}
