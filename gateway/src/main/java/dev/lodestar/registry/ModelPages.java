package dev.lodestar.registry;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.experiments.Metric;
import dev.lodestar.experiments.RunService;
import dev.lodestar.graphql.Page;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.registry.model.ModelAliasEntity;
import dev.lodestar.registry.model.ModelVersionEntity;
import dev.lodestar.registry.model.ModelVersionStatus;
import dev.lodestar.registry.model.RegisteredModelEntity;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The admin's registry pages: the model list, a model with its aliases, policy and versions, and a version with
 * its metrics, model card, signature, provenance and artifact hash. Data scientists request promotions from the
 * version page; the request itself is handled by the approvals pages.
 */
@Path("/admin/models")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class ModelPages {

    static final int PAGE = 50;

    private final ModelRegistry registry;
    private final ModelDescriptions descriptions;
    private final RunService runs;
    private final CurrentActor actor;
    private final ObjectMapper json;

    ModelPages(ModelRegistry registry, ModelDescriptions descriptions, RunService runs, CurrentActor actor, ObjectMapper json) {
        this.registry = registry;
        this.descriptions = descriptions;
        this.runs = runs;
        this.actor = actor;
        this.json = json;
    }

    @CheckedTemplate(basePath = "models")
    static class Templates {
        static native TemplateInstance models(ModelList page);

        static native TemplateInstance model(ModelDetails page);

        static native TemplateInstance version(VersionDetails page);
    }

    /** A page of the model list. */
    public record ModelList(List<ModelRow> rows, String q, String next, int total) {
    }

    /** A model in the list, with its aliases and how many versions it has. */
    public record ModelRow(RegisteredModel model, List<ModelAlias> aliases, long versions) {
    }

    /** A model with its aliases, tags and a page of its versions, newest first. */
    public record ModelDetails(RegisteredModel model, List<ModelAlias> aliases, Map<String, String> tags,
            List<VersionRow> versions, String next, long total) {
    }

    /** A version in a model's version list, with the aliases pointing at it. */
    public record VersionRow(ModelVersion version, List<String> aliases) {
    }

    /**
     * Everything about one version.
     *
     * @param promotable protected aliases the current user could request a promotion to (empty if they may not)
     */
    public record VersionDetails(RegisteredModel model, ModelVersion version, List<String> aliases,
            List<ModelFeature> signature, ModelOutput output, ModelCard card, String provenance, List<Metric> metrics,
            Map<String, String> tags, List<String> promotable) {
    }

    @GET
    public TemplateInstance models(@QueryParam("q") String q, @QueryParam("after") String after) {
        RegisteredModelConnection page = registry.page(Page.of(PAGE, blankToNull(after)), blankToNull(q));
        List<RegisteredModel> listed = page.getEdges().stream().map(RegisteredModelConnection.RegisteredModelEdge::node).toList();
        List<Long> ids = listed.stream().map(RegisteredModel::id).toList();
        Map<Long, List<ModelAliasEntity>> aliases = registry.aliasesOf(ids);
        Map<Long, Long> counts = registry.versionCounts(ids);
        List<ModelRow> rows = listed.stream().map(m -> new ModelRow(m, aliasesOf(m, aliases), counts.getOrDefault(m.id(), 0L)))
                .toList();
        return Templates.models(new ModelList(rows, q == null ? "" : q,
                page.getPageInfo().hasNextPage() ? page.getPageInfo().endCursor() : null, Math.toIntExact(page.total())));
    }

    @GET
    @Path("/{name}")
    public TemplateInstance model(@PathParam("name") String name, @QueryParam("after") String after) {
        RegisteredModel model = RegisteredModel.of(found(name));
        List<ModelAlias> aliases = aliasesOf(model, registry.aliasesOf(List.of(model.id())));
        List<ModelVersionEntity> versions = new ArrayList<>(
                registry.versionPages(List.of(model.id()), Page.of(PAGE, blankToNull(after))).getOrDefault(model.id(), List.of()));
        boolean more = versions.size() > PAGE;
        if (more) {
            versions.remove(PAGE);
        }
        List<VersionRow> rows = registry.toApi(versions).stream()
                .map(v -> new VersionRow(v, aliases.stream().filter(a -> a.version() == v.version()).map(ModelAlias::alias).toList()))
                .toList();
        return Templates.model(new ModelDetails(model, aliases, registry.tagsOf(List.of(model.id())).getOrDefault(model.id(), Map.of()),
                rows, more ? ModelRegistry.versionCursor(versions.get(versions.size() - 1).version) : null,
                registry.versionCounts(List.of(model.id())).getOrDefault(model.id(), 0L)));
    }

    @GET
    @Path("/{name}/versions/{version}")
    public TemplateInstance version(@PathParam("name") String name, @PathParam("version") int number) {
        RegisteredModelEntity entity = found(name);
        RegisteredModel model = RegisteredModel.of(entity);
        List<ModelVersionEntity> found = registry.versions(List.of(new ModelVersionEntity.Key(entity.id, number)));
        if (found.isEmpty()) {
            throw new NotFoundException();
        }
        ModelVersionEntity stored = found.get(0);
        ModelVersion version = registry.toApi(found).get(0);
        List<String> aliases = aliasesOf(model, registry.aliasesOf(List.of(entity.id))).stream()
                .filter(a -> a.version() == number).map(ModelAlias::alias).toList();
        List<Metric> metrics = stored.runId == null ? List.of()
                : runs.latestMetricsOf(List.of(stored.runId)).getOrDefault(stored.runId, List.of());
        Map<String, String> tags = new TreeMap<>(registry.versionTagsOf(List.of(entity.id))
                .getOrDefault(new ModelVersionEntity.Key(entity.id, number), Map.of()));
        boolean mayRequest = actor.get().roles().contains(DATA_SCIENTIST) && version.status() == ModelVersionStatus.READY;
        return Templates.version(new VersionDetails(model, version, aliases, descriptions.signatureOf(stored),
                descriptions.outputOf(stored), descriptions.cardOf(stored), pretty(stored.provenance), metrics, tags,
                mayRequest ? model.protectedAliases() : List.of()));
    }

    private RegisteredModelEntity found(String name) {
        RegisteredModelEntity model = registry.find(name);
        if (model == null) {
            throw new NotFoundException();
        }
        return model;
    }

    private static List<ModelAlias> aliasesOf(RegisteredModel model, Map<Long, List<ModelAliasEntity>> aliases) {
        return aliases.getOrDefault(model.id(), List.of()).stream()
                .map(a -> new ModelAlias(a.alias, a.version, model.protectedAliases().contains(a.alias)))
                .sorted(Comparator.comparing(ModelAlias::alias))
                .toList();
    }

    private String pretty(String provenance) {
        if (provenance == null) {
            return null;
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(provenance));
        } catch (JsonProcessingException e) {
            return provenance;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
