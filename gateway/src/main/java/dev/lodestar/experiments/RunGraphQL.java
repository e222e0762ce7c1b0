package dev.lodestar.experiments;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;

import io.smallrye.graphql.api.Nullable;

import dev.lodestar.experiments.model.ExperimentEntity;
import dev.lodestar.experiments.model.RunEntity;
import dev.lodestar.experiments.model.RunStatus;
import dev.lodestar.graphql.Page;

/** Runs over GraphQL: data scientists create and log to them, every Lodestar role reads them. */
@GraphQLApi
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class RunGraphQL {

    private final RunService runs;
    private final RunBatchWriter batches;
    private final RunSearch search;
    private final MetricHistory history;
    private final ExperimentService experiments;

    RunGraphQL(RunService runs, RunBatchWriter batches, RunSearch search, MetricHistory history,
            ExperimentService experiments) {
        this.runs = runs;
        this.batches = batches;
        this.search = search;
        this.history = history;
        this.experiments = experiments;
    }

    @Query
    @Description("One run, or null if there is none with this id.")
    public Run run(@Name("id") @Id @NonNull String id) {
        RunEntity run = runs.find(RunIds.parse(id));
        return run == null ? null : Run.of(run);
    }

    @Query
    @Description("""
            Runs matching a filter, across experiments (all active ones when experimentIds is left out).
            Filter: comparisons on metrics.<key> (latest value), params.<key>, tags.<key> and attributes.<name>
            (status, run_name, user, run_id, parent_run_id, experiment_id, start_time, end_time) with
            =, !=, <, <=, >, >=, [NOT] LIKE, [NOT] ILIKE, [NOT] IN (...), IS [NOT] NULL, combined with AND, OR
            and parentheses. Keys with other characters go in double quotes or backticks.
            Example: metrics.accuracy > 0.9 AND (params.model = 'cart' OR tags.team ILIKE 'vision%').
            orderBy: entries such as "metrics.accuracy DESC"; newest runs first after them.""")
    public @NonNull RunConnection searchRuns(@Name("experimentIds") @Nullable List<@NonNull String> experimentIds,
            @Name("filter") String filter, @Name("orderBy") @Nullable List<@NonNull String> orderBy,
            @Name("first") Integer first, @Name("after") String after) {
        return search.search(experimentIds, filter, orderBy, Page.of(first, after));
    }

    @Query
    @Description("The points of one metric of a run in step order; with maxPoints, downsampled to at most that many"
            + " points keeping the first, last, lowest and highest of each stretch.")
    public @NonNull List<@NonNull Metric> metricHistory(@Name("runId") @Id @NonNull String runId,
            @Name("key") @NonNull String key, @Name("maxPoints") Integer maxPoints) {
        RunEntity run = runs.get(runId);
        return history.of(run.id, key, maxPoints);
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Starts a run (status RUNNING) in an experiment, optionally nested under a parent run.")
    public @NonNull Run createRun(@Name("experimentId") @Id @NonNull String experimentId, @Name("name") String name,
            @Name("parentRunId") @Id String parentRunId, @Name("tags") @Nullable List<@NonNull TagInput> tags) {
        return Run.of(runs.create(ExperimentGraphQL.idOf(experimentId), name, parentRunId, tags));
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Logs up to 1,000 metric points, 100 params and 100 tags to a run, all or nothing. A param logged"
            + " again must keep its value (CONFLICT otherwise). With an idempotencyKey (1 to 255 characters, one per"
            + " batch), a batch sent again under a key the run already holds is answered without being stored twice:"
            + " safe to retry after a lost answer.")
    public @NonNull Run logBatch(@Name("runId") @Id @NonNull String runId, @Name("metrics") @Nullable List<@NonNull MetricInput> metrics,
            @Name("params") @Nullable List<@NonNull ParamInput> params, @Name("tags") @Nullable List<@NonNull TagInput> tags,
            @Name("idempotencyKey") @Nullable String idempotencyKey) {
        return Run.of(batches.logBatch(runId, idempotencyKey, metrics, params, tags));
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Sets a run's status (and optionally its name and end time). A finished, failed or killed run gets"
            + " an end time of now unless one is given.")
    public @NonNull Run updateRun(@Name("runId") @Id @NonNull String runId, @Name("status") @NonNull RunStatus status,
            @Name("name") String name, @Name("endTime") Instant endTime) {
        return Run.of(runs.update(runId, status, name, endTime));
    }

    @Mutation("setRunTag")
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Sets a tag of a run, replacing its value if the key exists.")
    public @NonNull Run setRunTag(@Name("runId") @Id @NonNull String runId, @Name("key") @NonNull String key,
            @Name("value") @NonNull String value) {
        return Run.of(runs.setTag(runId, key, value));
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Deletes a tag of a run.")
    public @NonNull Run deleteRunTag(@Name("runId") @Id @NonNull String runId, @Name("key") @NonNull String key) {
        return Run.of(runs.deleteTag(runId, key));
    }

    @Description("The experiment the run belongs to.")
    public @NonNull List<@NonNull Experiment> experiment(@Source List<Run> sources) {
        Map<Long, ExperimentEntity> found = experiments.byIds(sources.stream().map(r -> Long.parseLong(r.experimentId())).distinct().toList());
        return sources.stream().map(r -> Experiment.of(found.get(Long.parseLong(r.experimentId())))).toList();
    }

    @Description("Params of the run, by key.")
    public @NonNull List<@NonNull List<@NonNull Param>> params(@Source List<Run> sources) {
        Map<UUID, List<Param>> params = runs.paramsOf(ids(sources));
        return sources.stream().map(r -> params.getOrDefault(r.uuid(), List.of())).toList();
    }

    @Description("Tags of the run, by key.")
    public @NonNull List<@NonNull List<@NonNull Tag>> tags(@Source List<Run> sources) {
        Map<UUID, List<Tag>> tags = runs.tagsOf(ids(sources));
        return sources.stream().map(r -> tags.getOrDefault(r.uuid(), List.of())).toList();
    }

    @Description("The latest point of each metric of the run (highest step, then latest time).")
    public @NonNull List<@NonNull List<@NonNull Metric>> latestMetrics(@Source List<Run> sources) {
        Map<UUID, List<Metric>> metrics = runs.latestMetricsOf(ids(sources));
        return sources.stream().map(r -> metrics.getOrDefault(r.uuid(), List.of())).toList();
    }

    @Description("The parent run of a nested run.")
    public List<Run> parentRun(@Source List<Run> sources) {
        Map<UUID, RunEntity> parents = runs.byIds(sources.stream().filter(r -> r.parentRunId() != null)
                .map(r -> RunIds.parse(r.parentRunId())).distinct().toList());
        return sources.stream().map(r -> r.parentRunId() == null ? null : parents.get(RunIds.parse(r.parentRunId())))
                .map(r -> r == null ? null : Run.of(r)).toList();
    }

    @Description("Runs nested under this run, oldest first.")
    public @NonNull List<@NonNull List<@NonNull Run>> childRuns(@Source List<Run> sources) {
        Map<UUID, List<RunEntity>> children = runs.childrenOf(ids(sources));
        return sources.stream().map(r -> children.getOrDefault(r.uuid(), List.of()).stream().map(Run::of).toList()).toList();
    }

    @Description("How many runs the whole list holds.")
    public int totalCount(@Source RunConnection connection) {
        return Math.toIntExact(connection.total());
    }

    private static List<UUID> ids(List<Run> sources) {
        return sources.stream().map(Run::uuid).distinct().toList();
    }
}
