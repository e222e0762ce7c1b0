package dev.lodestar.registry;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.registry.model.RegisteredModelEntity;

/** A registered model as the API shows it. */
@Type("RegisteredModel")
@Description("A named model whose versions are numbered, with aliases and a promotion policy.")
public record RegisteredModel(
        @NonNull String name,
        String description,
        @Description("User name of whoever registered the model.") @NonNull String owner,
        @Description("Distinct approvals a promotion of this model needs.") int requiredApprovals,
        @Description("Aliases that move only through an approved promotion.") @NonNull List<@NonNull String> protectedAliases,
        @NonNull Instant createdAt,
        @NonNull Instant updatedAt,
        @Ignore long id) {

    static RegisteredModel of(RegisteredModelEntity entity) {
        return new RegisteredModel(entity.name, entity.description, entity.owner, entity.requiredApprovals,
                List.of(entity.protectedAliases), entity.createdAt, entity.updatedAt, entity.id);
    }
}
