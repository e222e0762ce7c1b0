package dev.lodestar.registry;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;


import dev.lodestar.experiments.Metric;
import dev.lodestar.experiments.Run;
import dev.lodestar.experiments.RunIds;
import dev.lodestar.experiments.RunService;
import dev.lodestar.experiments.Tag;
import dev.lodestar.experiments.model.RunEntity;
import dev.lodestar.graphql.Page;
import dev.lodestar.registry.model.ModelAliasEntity;
import dev.lodestar.registry.model.ModelVersionEntity;
import dev.lodestar.registry.model.RegisteredModelEntity;
import io.smallrye.graphql.api.Nullable;

/**
 * The model registry over GraphQL. Data scientists register models and versions and move unprotected aliases,
 * admins set promotion policies, and every Lodestar role reads. Protected aliases move only through promotions.
 */
@GraphQLApi
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class RegistryGraphQL {

    private final ModelRegistry registry;
    private final RunService runs;
    private final ModelDescriptions descriptions;

    RegistryGraphQL(ModelRegistry registry, RunService runs, ModelDescriptions descriptions) {
        this.registry = registry;
        this.runs = runs;
        this.descriptions = descriptions;
    }

    @Query
    @Description("Registered models by name.")
    public @NonNull RegisteredModelConnection registeredModels(@Name("first") Integer first, @Name("after") String after,
            @Name("nameContains") String nameContains) {
        return registry.page(Page.of(first, after), nameContains);
    }

    @Query
    @Description("One registered model, or null if there is none with this name.")
    public RegisteredModel registeredModel(@Name("name") @NonNull String name) {
        RegisteredModelEntity model = registry.find(name);
        return model == null ? null : RegisteredModel.of(model);
    }

    @Query
    @Description("One version of a model, or null if there is no such version.")
    public ModelVersion modelVersion(@Name("name") @NonNull String name, @Name("version") int version) {
        RegisteredModelEntity model = registry.find(name);
        if (model == null) {
            return null;
        }
        List<ModelVersionEntity> found = registry.versions(List.of(new ModelVersionEntity.Key(model.id, version)));
        return found.isEmpty() ? null : registry.toApi(found).get(0);
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Registers a model name (unique). The caller becomes its owner; promotions need one approval and"
            + " 'champion' is protected until an admin changes the policy.")
    public @NonNull RegisteredModel createRegisteredModel(@Name("name") @NonNull String name,
            @Name("description") String description) {
        return RegisteredModel.of(registry.create(name, description));
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Sets or clears a model's description.")
    public @NonNull RegisteredModel updateRegisteredModel(@Name("name") @NonNull String name,
            @Name("description") String description) {
        return RegisteredModel.of(registry.describe(name, description));
    }

    @Mutation("setModelPolicy")
    @RolesAllowed(ADMIN)
    @Description("Sets a model's promotion policy: how many distinct approvals a promotion needs (1 to 10) and which"
            + " aliases move only through an approved promotion.")
    public @NonNull RegisteredModel setModelPolicy(@Name("name") @NonNull String name,
            @Name("requiredApprovals") int requiredApprovals,
            @Name("protectedAliases") @NonNull List<@NonNull String> protectedAliases) {
        return RegisteredModel.of(registry.setPolicy(name, requiredApprovals, protectedAliases));
    }

    @Mutation("setRegisteredModelTag")
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Sets a tag of a model.")
    public @NonNull RegisteredModel setRegisteredModelTag(@Name("name") @NonNull String name, @Name("key") @NonNull String key,
            @Name("value") @NonNull String value) {
        return RegisteredModel.of(registry.setTag(name, key, value));
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Deletes a tag of a model.")
    public @NonNull RegisteredModel deleteRegisteredModelTag(@Name("name") @NonNull String name, @Name("key") @NonNull String key) {
        return RegisteredModel.of(registry.deleteTag(name, key));
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Registers the next version of a model from an uploaded artifact (POST /api/artifacts), optionally"
            + " linked to the run that produced it. The version starts PENDING_REGISTRATION and becomes READY once the"
            + " artifact is checked (a Tribuo model gets its signature and provenance read), or FAILED_REGISTRATION.")
    public @NonNull ModelVersion createModelVersion(@Name("name") @NonNull String name, @Name("artifactId") @Id @NonNull String artifactId,
            @Name("runId") @Id String runId, @Name("description") String description) {
        return registry.toApi(List.of(registry.createVersion(name, artifactId, runId, description))).get(0);
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Sets or clears a version's description.")
    public @NonNull ModelVersion updateModelVersion(@Name("name") @NonNull String name, @Name("version") int version,
            @Name("description") String description) {
        return registry.toApi(List.of(registry.describeVersion(name, version, description))).get(0);
    }

    @Mutation("setModelCard")
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Sets a version's model card (markdown sections; null clears a section).")
    public @NonNull ModelVersion setModelCard(@Name("name") @NonNull String name, @Name("version") int version,
            @Name("card") @NonNull ModelCardInput card) {
        return registry.toApi(List.of(registry.setCard(name, version, card))).get(0);
    }

    @Mutation("setModelVersionTag")
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Sets a tag of a version.")
    public @NonNull ModelVersion setModelVersionTag(@Name("name") @NonNull String name, @Name("version") int version,
            @Name("key") @NonNull String key, @Name("value") @NonNull String value) {
        return registry.toApi(List.of(registry.setVersionTag(name, version, key, value))).get(0);
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Deletes a tag of a version.")
    public @NonNull ModelVersion deleteModelVersionTag(@Name("name") @NonNull String name, @Name("version") int version,
            @Name("key") @NonNull String key) {
        return registry.toApi(List.of(registry.deleteVersionTag(name, version, key))).get(0);
    }

    @Mutation("setAlias")
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Points an alias at a READY version. Protected aliases (e.g. champion) are FORBIDDEN here: they move"
            + " only through an approved promotion.")
    public @NonNull ModelVersion setAlias(@Name("name") @NonNull String name, @Name("alias") @NonNull String alias,
            @Name("version") int version) {
        return registry.toApi(List.of(registry.setAlias(name, alias, version))).get(0);
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Removes an alias. Protected aliases are FORBIDDEN here.")
    public @NonNull RegisteredModel deleteAlias(@Name("name") @NonNull String name, @Name("alias") @NonNull String alias) {
        return RegisteredModel.of(registry.deleteAlias(name, alias));
    }

    @Description("The model's aliases, by name.")
    public @NonNull List<@NonNull List<@NonNull ModelAlias>> aliases(@Source List<RegisteredModel> models) {
        Map<Long, RegisteredModelEntity> entities = registry.byIds(models.stream().map(RegisteredModel::id).toList());
        Map<Long, List<ModelAliasEntity>> aliases = registry.aliasesOf(entities.keySet());
        return models.stream().map(m -> aliases.getOrDefault(m.id(), List.of()).stream()
                .map(a -> new ModelAlias(a.alias, a.version, entities.get(m.id()).isProtected(a.alias))).toList()).toList();
    }

    @Description("The model's tags, by key.")
    public @NonNull List<@NonNull List<@NonNull Tag>> tags(@Source List<RegisteredModel> models) {
        Map<Long, Map<String, String>> tags = registry.tagsOf(models.stream().map(RegisteredModel::id).toList());
        return models.stream().map(m -> tags.getOrDefault(m.id(), Map.of()).entrySet().stream()
                .map(e -> new Tag(e.getKey(), e.getValue())).toList()).toList();
    }

    @Description("The model's versions, newest first.")
    public @NonNull List<@NonNull ModelVersionConnection> versions(@Source List<RegisteredModel> models,
            @Name("first") Integer first, @Name("after") String after) {
        Page page = Page.of(first, after);
        List<Long> ids = models.stream().map(RegisteredModel::id).toList();
        Map<Long, List<ModelVersionEntity>> pages = registry.versionPages(ids, page);
        List<ModelVersionEntity> all = pages.values().stream().flatMap(List::stream).toList();
        Map<ModelVersionEntity.Key, ModelVersion> mapped = new HashMap<>();
        registry.toApi(all).forEach(v -> mapped.put(new ModelVersionEntity.Key(v.modelId(), v.version()), v));
        AtomicReference<Map<Long, Long>> counts = new AtomicReference<>();
        List<ModelVersionConnection> connections = new ArrayList<>();
        for (RegisteredModel model : models) {
            List<ModelVersionEntity> versions = pages.getOrDefault(model.id(), List.of());
            List<ModelVersionConnection.ModelVersionEdge> edges = versions.stream().limit(page.first())
                    .map(v -> new ModelVersionConnection.ModelVersionEdge(mapped.get(new ModelVersionEntity.Key(v.modelId, v.version)),
                            ModelRegistry.versionCursor(v.version)))
                    .toList();
            connections.add(new ModelVersionConnection(edges,
                    ModelRegistry.pageInfo(edges.stream().map(ModelVersionConnection.ModelVersionEdge::cursor).toList(),
                            versions.size() > page.first(), after != null),
                    () -> counts.updateAndGet(known -> known != null ? known : registry.versionCounts(ids))
                            .getOrDefault(model.id(), 0L)));
        }
        return connections;
    }

    @Description("How many models the whole list holds.")
    public int totalCount(@Source RegisteredModelConnection connection) {
        return Math.toIntExact(connection.total());
    }

    @Description("How many versions the whole list holds.")
    public int totalCount(@Source ModelVersionConnection connection) {
        return Math.toIntExact(connection.total());
    }

    @Name("aliases")
    @Description("The aliases pointing at this version.")
    public @NonNull List<@NonNull List<@NonNull String>> versionAliases(@Source List<ModelVersion> versions) {
        Map<Long, List<ModelAliasEntity>> aliases = registry.aliasesOf(versions.stream().map(ModelVersion::modelId).distinct().toList());
        return versions.stream().map(v -> aliases.getOrDefault(v.modelId(), List.of()).stream()
                .filter(a -> a.version == v.version()).map(a -> a.alias).toList()).toList();
    }

    @Name("tags")
    @Description("The version's tags, by key.")
    public @NonNull List<@NonNull List<@NonNull Tag>> versionTags(@Source List<ModelVersion> versions) {
        Map<ModelVersionEntity.Key, Map<String, String>> tags = registry.versionTagsOf(
                versions.stream().map(ModelVersion::modelId).distinct().toList());
        return versions.stream().map(v -> tags.getOrDefault(new ModelVersionEntity.Key(v.modelId(), v.version()), Map.of())
                .entrySet().stream().map(e -> new Tag(e.getKey(), e.getValue())).toList()).toList();
    }

    @Description("The input features the model reads, in order; empty for files that are not models Lodestar reads.")
    public @NonNull List<@NonNull ModelFeature> signature(@Source ModelVersion version) {
        return descriptions.signatureOf(version.entity());
    }

    @Description("What the model answers; null for files that are not models Lodestar reads.")
    public ModelOutput output(@Source ModelVersion version) {
        return descriptions.outputOf(version.entity());
    }

    @Description("Tribuo's training provenance of the model, as JSON; null for other files.")
    public String provenance(@Source ModelVersion version) {
        return version.entity().provenance;
    }

    @Description("The version's model card.")
    public @NonNull ModelCard card(@Source ModelVersion version) {
        return descriptions.cardOf(version.entity());
    }

    @Description("The run that produced this version.")
    public @Nullable List<Run> run(@Source List<ModelVersion> versions) {
        Map<UUID, RunEntity> found = runs.byIds(versions.stream().map(ModelVersion::runId).filter(Objects::nonNull)
                .map(RunIds::parse).distinct().toList());
        return versions.stream().map(v -> v.runId() == null ? null : found.get(RunIds.parse(v.runId())))
                .map(r -> r == null ? null : Run.of(r)).toList();
    }

    @Description("The latest metrics of the run that produced this version; empty without a run.")
    public @NonNull List<@NonNull List<@NonNull Metric>> metrics(@Source List<ModelVersion> versions) {
        Map<UUID, List<Metric>> metrics = runs.latestMetricsOf(versions.stream().map(ModelVersion::runId).filter(Objects::nonNull)
                .map(RunIds::parse).distinct().toList());
        return versions.stream().map(v -> v.runId() == null ? List.<Metric>of() : metrics.getOrDefault(RunIds.parse(v.runId()), List.of()))
                .toList();
    }

    @Description("The registered model this version belongs to.")
    public @NonNull List<@NonNull RegisteredModel> model(@Source List<ModelVersion> versions) {
        Map<Long, RegisteredModelEntity> models = registry.byIds(versions.stream().map(ModelVersion::modelId).distinct().toList());
        return versions.stream().map(v -> RegisteredModel.of(models.get(v.modelId()))).toList();
    }
}
