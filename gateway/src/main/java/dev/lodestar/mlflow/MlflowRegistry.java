package dev.lodestar.mlflow;

import static dev.lodestar.mlflow.MlflowTracking.alreadyExistsOnConflict;
import static dev.lodestar.mlflow.MlflowTracking.invalid;
import static dev.lodestar.mlflow.MlflowTracking.required;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.lodestar.experiments.RunIds;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;
import dev.lodestar.graphql.Page;
import dev.lodestar.mlflow.MlflowMessages.KeyValue;
import dev.lodestar.mlflow.MlflowStages.Stage;
import dev.lodestar.registry.ModelRegistry;
import dev.lodestar.registry.RegisteredModelConnection;
import dev.lodestar.registry.model.ModelAliasEntity;
import dev.lodestar.registry.model.ModelVersionEntity;
import dev.lodestar.registry.model.RegisteredModelEntity;

/**
 * MLflow's model registry calls in Lodestar's terms, through {@link ModelRegistry} (which owns the rules, the
 * protected aliases and the audit). Stages are aliases ({@link MlflowStages}). A version's {@code source} is a
 * Lodestar artifact: its id, or {@code lodestar-artifacts:/<id>}. Lodestar keeps every model and version (the
 * audit trail and lineage refer to them), so deleting and renaming are {@code NOT_IMPLEMENTED}.
 */
@ApplicationScoped
@Transactional
public class MlflowRegistry {

    private static final String SOURCE_PREFIX = MlflowTracking.ARTIFACT_SCHEME + "/";
    private static final long DEFAULT_MAX_RESULTS = 100;
    private static final Pattern NAME_FILTER = Pattern.compile("(?i)\\s*name\\s*(=|LIKE|ILIKE)\\s*(['\"])(.*)\\2\\s*");
    private static final Pattern NAME_ORDER = Pattern.compile("(?i)\\s*name(\\s+ASC)?\\s*");

    private final ModelRegistry registry;

    MlflowRegistry(ModelRegistry registry) {
        this.registry = registry;
    }

    // Registered models

    public MlflowMessages.RegisteredModel createModel(MlflowMessages.CreateRegisteredModel request) {
        String name = required(request.name(), "name");
        RegisteredModelEntity model = alreadyExistsOnConflict(() -> registry.create(name, request.description()));
        if (request.tags() != null) {
            request.tags().forEach(tag -> registry.setTag(model.name, tag.key(), tag.value()));
        }
        return modelViews(List.of(model)).get(0);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public MlflowMessages.RegisteredModel model(String name) {
        return modelViews(List.of(registry.get(required(name, "name")))).get(0);
    }

    /** Models by name; the filter may only name them ({@code name = '...'}, {@code name LIKE '%...%'}). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public MlflowMessages.SearchRegisteredModelsResponse searchModels(MlflowMessages.SearchRegistry request) {
        if (request.orderBy() != null && !request.orderBy().stream().allMatch(o -> o != null && NAME_ORDER.matcher(o).matches())) {
            throw invalid("registered models are listed by name; order_by may only be 'name ASC'");
        }
        String filter = request.filter() == null ? "" : request.filter().strip();
        String nameContains = null;
        if (!filter.isEmpty()) {
            Matcher matcher = NAME_FILTER.matcher(filter);
            if (!matcher.matches()) {
                throw invalid("Lodestar filters registered models by name only: name = '...' or name LIKE '%...%'");
            }
            if (matcher.group(1).equals("=")) {
                RegisteredModelEntity found = registry.find(matcher.group(3));
                return new MlflowMessages.SearchRegisteredModelsResponse(found == null ? List.of() : modelViews(List.of(found)), null);
            }
            nameContains = containsPattern(matcher.group(3));
        }
        RegisteredModelConnection page = registry.page(page(request.maxResults(), request.pageToken()), nameContains);
        List<Long> ids = page.getEdges().stream().map(e -> e.node().id()).toList();
        Map<Long, RegisteredModelEntity> found = registry.byIds(ids);
        return new MlflowMessages.SearchRegisteredModelsResponse(modelViews(ids.stream().map(found::get).toList()),
                page.getPageInfo().hasNextPage() ? page.getPageInfo().endCursor() : null);
    }

    public MlflowMessages.RegisteredModel describeModel(String name, String description) {
        return modelViews(List.of(registry.describe(required(name, "name"), description))).get(0);
    }

    public void setModelTag(MlflowMessages.ModelTag request) {
        registry.setTag(required(request.name(), "name"), required(request.key(), "key"), request.value());
    }

    public void deleteModelTag(MlflowMessages.ModelTag request) {
        registry.deleteTag(required(request.name(), "name"), required(request.key(), "key"));
    }

    /** The latest version in each of {@code stages} (every stage when none is given), from the stage aliases. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<MlflowMessages.ModelVersion> latestVersions(String name, List<String> stages) {
        RegisteredModelEntity model = registry.get(required(name, "name"));
        Set<Stage> wanted = new HashSet<>();
        if (stages == null || stages.isEmpty()) {
            wanted.addAll(List.of(Stage.values()));
        } else {
            stages.forEach(stage -> wanted.add(MlflowStages.parse(stage)));
        }
        return latest(List.of(model)).getOrDefault(model.id, List.of()).stream()
                .filter(v -> wanted.contains(MlflowStages.parse(v.currentStage()))).toList();
    }

    /** MLflow's delete; Lodestar keeps every registered model. */
    public void deleteModel(String name) {
        registry.get(required(name, "name"));
        throw new MlflowException(MlflowErrorCode.NOT_IMPLEMENTED, "Lodestar keeps every registered model and version:"
                + " the audit trail and lineage refer to them, so they cannot be deleted");
    }

    /** MLflow's rename; Lodestar's model names are stable (lineage and the audit trail use them as ids). */
    public void renameModel(String name) {
        registry.get(required(name, "name"));
        throw new MlflowException(MlflowErrorCode.NOT_IMPLEMENTED,
                "Lodestar does not rename registered models: lineage and the audit trail use their names as ids");
    }

    // Versions

    /** Registers a version from a Lodestar artifact; it starts PENDING_REGISTRATION and becomes READY in the background. */
    public MlflowMessages.ModelVersion createVersion(MlflowMessages.CreateModelVersion request) {
        String name = required(request.name(), "name");
        String runId = request.runId() == null || request.runId().isBlank() ? null : request.runId();
        ModelVersionEntity version = registry.createVersion(name, artifactIdOf(required(request.source(), "source")),
                runId, request.description());
        if (request.tags() != null) {
            request.tags().forEach(tag -> registry.setVersionTag(name, version.version, tag.key(), tag.value()));
        }
        return versionViews(List.of(version)).get(0);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public MlflowMessages.ModelVersion version(String name, String version) {
        return versionViews(List.of(entity(name, version))).get(0);
    }

    public MlflowMessages.ModelVersion describeVersion(String name, String version, String description) {
        return versionViews(List.of(registry.describeVersion(required(name, "name"), versionOf(version), description))).get(0);
    }

    public void setVersionTag(MlflowMessages.VersionTag request) {
        registry.setVersionTag(required(request.name(), "name"), versionOf(request.version()), required(request.key(), "key"),
                request.value());
    }

    public void deleteVersionTag(MlflowMessages.VersionTag request) {
        registry.deleteVersionTag(required(request.name(), "name"), versionOf(request.version()), required(request.key(), "key"));
    }

    /** MLflow's delete; Lodestar keeps every version. */
    public void deleteVersion(String name, String version) {
        entity(name, version);
        throw new MlflowException(MlflowErrorCode.NOT_IMPLEMENTED, "Lodestar keeps every registered model and version:"
                + " the audit trail and lineage refer to them, so they cannot be deleted");
    }

    /** The versions of one model, newest first: the filter must be {@code name = '...'}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public MlflowMessages.ModelVersionsResponse searchVersions(MlflowMessages.SearchRegistry request) {
        if (request.orderBy() != null && !request.orderBy().isEmpty()) {
            throw invalid("model versions are listed newest first; order_by is not supported");
        }
        Matcher matcher = NAME_FILTER.matcher(request.filter() == null ? "" : request.filter());
        if (!matcher.matches() || !matcher.group(1).equals("=")) {
            throw invalid("Lodestar searches the versions of one model: filter name = '<model name>'");
        }
        RegisteredModelEntity model = registry.find(matcher.group(3));
        if (model == null) {
            return new MlflowMessages.ModelVersionsResponse(List.of(), null);
        }
        Page page = page(request.maxResults(), request.pageToken());
        List<ModelVersionEntity> versions = registry.versionPages(List.of(model.id), page).getOrDefault(model.id, List.of());
        List<ModelVersionEntity> shown = versions.stream().limit(page.first()).toList();
        return new MlflowMessages.ModelVersionsResponse(versionViews(shown), versions.size() > page.first()
                ? ModelRegistry.versionCursor(shown.get(shown.size() - 1).version) : null);
    }

    /** Moves a version to a stage by moving the stage's alias ({@link MlflowStages}). */
    public MlflowMessages.ModelVersion transitionStage(MlflowMessages.TransitionStage request) {
        String name = required(request.name(), "name");
        int number = versionOf(request.version());
        Stage stage = MlflowStages.parse(request.stage());
        switch (stage) {
            case PRODUCTION, STAGING -> stageAlias(stage, () -> registry.setAlias(name, stage.alias().orElseThrow(), number));
            case NONE -> {
                RegisteredModelEntity model = registry.get(name);
                registry.getVersion(model, number);
                for (ModelAliasEntity alias : registry.aliasesOf(List.of(model.id)).getOrDefault(model.id, List.of())) {
                    if (alias.version == number && MlflowStages.stageAliases().contains(alias.alias)) {
                        Stage held = alias.alias.equals(MlflowStages.PRODUCTION_ALIAS) ? Stage.PRODUCTION : Stage.STAGING;
                        stageAlias(held, () -> registry.deleteAlias(name, alias.alias));
                    }
                }
            }
            case ARCHIVED -> throw invalid("Lodestar never archives model versions; move a version out of a stage with"
                    + " stage None, or point the stage's alias at another version");
        }
        return version(name, request.version());
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public String downloadUri(String name, String version) {
        return SOURCE_PREFIX + entity(name, version).artifactId;
    }

    // Aliases

    public void setAlias(MlflowMessages.AliasRequest request) {
        registry.setAlias(required(request.name(), "name"), required(request.alias(), "alias"), versionOf(request.version()));
    }

    public void deleteAlias(MlflowMessages.AliasRequest request) {
        registry.deleteAlias(required(request.name(), "name"), required(request.alias(), "alias"));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public MlflowMessages.ModelVersion versionByAlias(String name, String alias) {
        RegisteredModelEntity model = registry.get(required(name, "name"));
        required(alias, "alias");
        ModelAliasEntity pointer = registry.aliasesOf(List.of(model.id)).getOrDefault(model.id, List.of()).stream()
                .filter(a -> a.alias.equals(alias)).findFirst()
                .orElseThrow(() -> new MlflowException(MlflowErrorCode.RESOURCE_DOES_NOT_EXIST,
                        "registered model '" + name + "' has no alias '" + alias + "'"));
        return versionViews(List.of(registry.getVersion(model, pointer.version))).get(0);
    }

    // Views

    /** Models with their tags, aliases and latest version of each stage, in a fixed number of queries. */
    private List<MlflowMessages.RegisteredModel> modelViews(List<RegisteredModelEntity> models) {
        List<Long> ids = models.stream().map(m -> m.id).toList();
        Map<Long, Map<String, String>> tags = registry.tagsOf(ids);
        Map<Long, List<ModelAliasEntity>> aliases = registry.aliasesOf(ids);
        Map<Long, List<MlflowMessages.ModelVersion>> latest = latest(models);
        return models.stream().map(m -> new MlflowMessages.RegisteredModel(m.name, m.createdAt.toEpochMilli(),
                m.updatedAt.toEpochMilli(), m.owner, m.description, latest.getOrDefault(m.id, List.of()),
                keyValues(tags.getOrDefault(m.id, Map.of())),
                aliases.getOrDefault(m.id, List.of()).stream()
                        .map(a -> new MlflowMessages.Alias(a.alias, Integer.toString(a.version))).toList()))
                .toList();
    }

    /**
     * The latest version of each stage of each model: the versions the stage aliases point at, and the newest
     * version neither points at (among the three newest, since at most two are taken).
     */
    private Map<Long, List<MlflowMessages.ModelVersion>> latest(List<RegisteredModelEntity> models) {
        List<Long> ids = models.stream().map(m -> m.id).toList();
        Map<Long, List<ModelAliasEntity>> aliases = registry.aliasesOf(ids);
        Set<ModelVersionEntity.Key> staged = new HashSet<>();
        aliases.values().forEach(list -> list.stream().filter(a -> MlflowStages.stageAliases().contains(a.alias))
                .forEach(a -> staged.add(new ModelVersionEntity.Key(a.modelId, a.version))));
        Map<ModelVersionEntity.Key, ModelVersionEntity> candidates = new LinkedHashMap<>();
        registry.versionPages(ids, Page.of(MlflowStages.stageAliases().size() + 1, null)).values()
                .forEach(list -> list.forEach(v -> candidates.put(new ModelVersionEntity.Key(v.modelId, v.version), v)));
        registry.versions(staged).forEach(v -> candidates.put(new ModelVersionEntity.Key(v.modelId, v.version), v));
        List<ModelVersionEntity> ordered = candidates.values().stream()
                .sorted((a, b) -> Integer.compare(b.version, a.version)).toList();
        List<MlflowMessages.ModelVersion> views = versionViews(ordered, aliases);
        Map<Long, Map<String, MlflowMessages.ModelVersion>> byStage = new LinkedHashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            byStage.computeIfAbsent(ordered.get(i).modelId, k -> new LinkedHashMap<>())
                    .putIfAbsent(views.get(i).currentStage(), views.get(i));
        }
        Map<Long, List<MlflowMessages.ModelVersion>> latest = new LinkedHashMap<>();
        byStage.forEach((model, stages) -> latest.put(model, List.copyOf(stages.values())));
        return latest;
    }

    private List<MlflowMessages.ModelVersion> versionViews(List<ModelVersionEntity> versions) {
        return versionViews(versions, registry.aliasesOf(versions.stream().map(v -> v.modelId).distinct().toList()));
    }

    private List<MlflowMessages.ModelVersion> versionViews(List<ModelVersionEntity> versions,
            Map<Long, List<ModelAliasEntity>> aliases) {
        List<Long> modelIds = versions.stream().map(v -> v.modelId).distinct().toList();
        Map<Long, RegisteredModelEntity> models = registry.byIds(modelIds);
        Map<ModelVersionEntity.Key, Map<String, String>> tags = registry.versionTagsOf(modelIds);
        List<MlflowMessages.ModelVersion> views = new ArrayList<>(versions.size());
        for (ModelVersionEntity v : versions) {
            List<String> pointing = aliases.getOrDefault(v.modelId, List.of()).stream()
                    .filter(a -> a.version == v.version).map(a -> a.alias).toList();
            views.add(new MlflowMessages.ModelVersion(models.get(v.modelId).name, Integer.toString(v.version),
                    v.createdAt.toEpochMilli(), v.updatedAt.toEpochMilli(), v.createdBy, MlflowStages.of(pointing).label(),
                    v.description, SOURCE_PREFIX + v.artifactId, v.runId == null ? null : RunIds.format(v.runId),
                    v.status.name(), v.statusMessage,
                    keyValues(tags.getOrDefault(new ModelVersionEntity.Key(v.modelId, v.version), Map.of())), pointing));
        }
        return views;
    }

    private static List<KeyValue> keyValues(Map<String, String> map) {
        return map.entrySet().stream().map(e -> new KeyValue(e.getKey(), e.getValue())).toList();
    }

    // Conversions and checks

    private ModelVersionEntity entity(String name, String version) {
        return registry.getVersion(registry.get(required(name, "name")), versionOf(version));
    }

    /** A change to a stage alias; a protected alias is refused with the way to move it. */
    private static void stageAlias(Stage stage, Runnable change) {
        try {
            change.run();
        } catch (ApiException e) {
            if (e.code() == ErrorCode.FORBIDDEN) {
                throw new MlflowException(MlflowErrorCode.PERMISSION_DENIED, "stage " + stage.label() + " is the alias '"
                        + stage.alias().orElseThrow() + "' in Lodestar, and it is protected for this model: it moves only"
                        + " through an approved promotion (GraphQL mutation requestPromotion)");
            }
            throw e;
        }
    }

    static int versionOf(String version) {
        String checked = required(version, "version");
        try {
            return Integer.parseInt(checked.strip());
        } catch (NumberFormatException e) {
            throw invalid("model version must be an integer, got '" + version + "'");
        }
    }

    /** The artifact id in a version's {@code source}: the id itself or {@code lodestar-artifacts:/<id>}. */
    static String artifactIdOf(String source) {
        String id = source.startsWith(SOURCE_PREFIX) ? source.substring(SOURCE_PREFIX.length()) : source;
        if (!id.matches("[0-9a-fA-F-]{32,36}")) {
            throw invalid("source must name a Lodestar artifact: its id (from POST /api/artifacts) or "
                    + SOURCE_PREFIX + "<id>; got '" + source + "'");
        }
        return id;
    }

    private static Page page(Long maxResults, String pageToken) {
        long size = maxResults == null ? DEFAULT_MAX_RESULTS : maxResults;
        if (size < 1) {
            throw invalid("max_results must be at least 1, got " + size);
        }
        return Page.of((int) Math.min(size, Page.MAX_FIRST), pageToken == null || pageToken.isBlank() ? null : pageToken);
    }

    private static String containsPattern(String like) {
        if (like.length() < 2 || !like.startsWith("%") || !like.endsWith("%") || like.substring(1, like.length() - 1).contains("%")) {
            throw invalid("Lodestar matches names by a part of them: name LIKE '%part%'");
        }
        return like.substring(1, like.length() - 1);
    }
}
