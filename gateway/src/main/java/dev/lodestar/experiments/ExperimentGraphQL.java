package dev.lodestar.experiments;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;

import io.smallrye.graphql.api.Nullable;

import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Page;

/** Experiments over GraphQL: data scientists change them, every Lodestar role reads them. */
@GraphQLApi
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class ExperimentGraphQL {

    private final ExperimentService experiments;
    private final RunService runs;

    ExperimentGraphQL(ExperimentService experiments, RunService runs) {
        this.experiments = experiments;
        this.runs = runs;
    }

    @Query
    @Description("Experiments, newest first; archived ones only when asked for.")
    public @NonNull ExperimentConnection experiments(@Name("first") Integer first, @Name("after") String after,
            @Name("nameContains") @Description("Case-insensitive part of the name.") String nameContains,
            @Name("includeArchived") @DefaultValue("false") boolean includeArchived) {
        return experiments.page(Page.of(first, after), nameContains, includeArchived);
    }

    @Query
    @Description("One experiment, or null if there is none with this id.")
    public Experiment experiment(@Name("id") @Id @NonNull String id) {
        var experiment = experiments.find(idOf(id));
        return experiment == null ? null : Experiment.of(experiment);
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Creates an experiment. Names are unique (archived experiments keep theirs).")
    public @NonNull Experiment createExperiment(@Name("name") @NonNull String name, @Name("description") String description,
            @Name("tags") @Nullable List<@NonNull TagInput> tags) {
        return Experiment.of(experiments.create(name, description, tags));
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Renames an experiment.")
    public @NonNull Experiment renameExperiment(@Name("id") @Id @NonNull String id, @Name("name") @NonNull String name) {
        return Experiment.of(experiments.rename(idOf(id), name));
    }

    @Mutation("setExperimentDescription")
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Sets or clears (null) an experiment's description.")
    public @NonNull Experiment setExperimentDescription(@Name("id") @Id @NonNull String id,
            @Name("description") String description) {
        return Experiment.of(experiments.describe(idOf(id), description));
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Archives an experiment: it disappears from lists and takes no new runs or logs until restored.")
    public @NonNull Experiment archiveExperiment(@Name("id") @Id @NonNull String id) {
        return Experiment.of(experiments.archive(idOf(id)));
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Restores an archived experiment.")
    public @NonNull Experiment restoreExperiment(@Name("id") @Id @NonNull String id) {
        return Experiment.of(experiments.restore(idOf(id)));
    }

    @Mutation("setExperimentTag")
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Sets a tag of an experiment, replacing its value if the key exists.")
    public @NonNull Experiment setExperimentTag(@Name("id") @Id @NonNull String id, @Name("key") @NonNull String key,
            @Name("value") @NonNull String value) {
        return Experiment.of(experiments.setTag(idOf(id), key, value));
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Deletes a tag of an experiment.")
    public @NonNull Experiment deleteExperimentTag(@Name("id") @Id @NonNull String id, @Name("key") @NonNull String key) {
        return Experiment.of(experiments.deleteTag(idOf(id), key));
    }

    @Description("Tags of the experiment, by key.")
    public @NonNull List<@NonNull List<@NonNull Tag>> tags(@Source List<Experiment> sources) {
        Map<Long, List<Tag>> tags = experiments.tagsOf(sources.stream().map(Experiment::numericId).toList());
        return sources.stream().map(e -> tags.getOrDefault(e.numericId(), List.of())).toList();
    }

    @Description("Runs of the experiment, newest first.")
    public @NonNull List<@NonNull RunConnection> runs(@Source List<Experiment> sources, @Name("first") Integer first,
            @Name("after") String after) {
        Map<Long, RunConnection> pages = runs.runsOf(sources.stream().map(Experiment::numericId).toList(), Page.of(first, after));
        return sources.stream().map(e -> pages.get(e.numericId())).toList();
    }

    @Description("How many experiments the whole list holds.")
    public int totalCount(@Source ExperimentConnection connection) {
        return Math.toIntExact(connection.total());
    }

    static long idOf(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("'" + id + "' is not an experiment id");
        }
    }
}
