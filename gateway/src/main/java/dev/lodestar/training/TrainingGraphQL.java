package dev.lodestar.training;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

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

import dev.lodestar.experiments.Metric;
import dev.lodestar.experiments.RunIds;
import dev.lodestar.experiments.RunService;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Page;
import dev.lodestar.registry.ModelRegistry;
import dev.lodestar.registry.ModelVersion;
import dev.lodestar.registry.model.ModelVersionEntity;
import dev.lodestar.training.model.JobStatus;
import dev.lodestar.training.model.TrainingJobEntity;
import io.smallrye.graphql.api.Nullable;

/**
 * Training jobs over GraphQL: data scientists queue and cancel them, every Lodestar role reads them.
 */
@GraphQLApi
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class TrainingGraphQL {

    private static final int MAX_LOG_LINES = 10_000;

    private final TrainingJobs jobs;
    private final ModelRegistry registry;
    private final RunService runs;

    TrainingGraphQL(TrainingJobs jobs, ModelRegistry registry, RunService runs) {
        this.jobs = jobs;
        this.registry = registry;
        this.runs = runs;
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Queues a training job and answers it QUEUED. Everything is checked first: an unknown experiment or"
            + " dataset version is NOT_FOUND; a target that is not a column, a task the target's type does not allow"
            + " (CLASSIFICATION: TEXT or whole numbers; REGRESSION: NUMBER), a holdoutFraction outside (0, 1), a param"
            + " the trainer does not take or a minMetrics name the task does not measure is INVALID_ARGUMENT. The job"
            + " creates a run in the experiment, logs params and holdout metrics (accuracy, macro_f1, auc for two classes;"
            + " rmse, mae, r2), stores the Tribuo model and registers it as the next version of registerAs. Missing"
            + " values: params 'missing' = impute (default; NUMBER gets the training mean, TEXT no category, rows without"
            + " a target are left out) or refuse (the job fails naming line and column). A model missing a gate becomes a"
            + " FAILED_REGISTRATION version with the reason and the job FAILS.")
    public @NonNull Job trainModel(@Name("input") @NonNull TrainModelInput input) {
        return jobs.toApi(jobs.submit(input));
    }

    @Mutation
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Description("Cancels a job: a queued one at once; a running one at its next checkpoint (between stages: a fit in"
            + " progress finishes first and its model is discarded), registering nothing. A finished job is CONFLICT.")
    public @NonNull Job cancelJob(@Name("id") @Id @NonNull String id) {
        return jobs.toApi(jobs.cancel(id));
    }

    @Query
    @Description("One training job, or null if there is none with this id.")
    public Job job(@Name("id") @Id @NonNull String id) {
        TrainingJobEntity job = jobs.find(id);
        return job == null ? null : jobs.toApi(job);
    }

    @Query
    @Description("Training jobs, newest first, of one status or all.")
    public @NonNull JobConnection jobs(@Name("status") JobStatus status, @Name("first") Integer first, @Name("after") String after) {
        return jobs.page(status, Page.of(first, after));
    }

    @Query
    @Description("The params a trainer takes for a task (besides 'seed' and 'missing', which every trainer takes and"
            + " are listed too). LOGISTIC_REGRESSION and LINEAR_SGD also take 'standardize' (true by default for"
            + " classification, false for regression): their NUMBER columns are standardized to z-scores of the"
            + " training rows inside the model, and prediction applies the same transform. INVALID_ARGUMENT if the"
            + " trainer cannot do the task.")
    public @NonNull List<@NonNull TrainerParam> trainerParams(@Name("trainer") @NonNull TrainerKind trainer,
            @Name("task") @NonNull Task task) {
        return List.copyOf(TrainerCatalog.params(trainer, task).values());
    }

    @Description("How many jobs the whole list holds.")
    public int totalCount(@Source JobConnection connection) {
        return Math.toIntExact(connection.total());
    }

    @Description("The job's log, oldest line first: the last 'last' lines (default 200).")
    public @NonNull List<@NonNull List<@NonNull JobLogLine>> logs(@Source List<Job> page, @Name("last") @DefaultValue("200") int last) {
        if (last < 0 || last > MAX_LOG_LINES) {
            throw ApiException.invalid("last must be between 0 and " + MAX_LOG_LINES + ", got " + last);
        }
        Map<UUID, List<JobLogLine>> logs = jobs.logsOf(page.stream().map(Job::uuid).toList(), last);
        return page.stream().map(j -> logs.getOrDefault(j.uuid(), List.of())).toList();
    }

    @Description("The model version the job registered (or recorded as FAILED_REGISTRATION when it missed a gate).")
    public @Nullable List<ModelVersion> modelVersion(@Source List<Job> page) {
        Map<String, Long> modelIds = jobs.modelIds(page.stream().map(Job::modelName).filter(Objects::nonNull).distinct().toList());
        List<ModelVersionEntity.Key> keys = page.stream().filter(j -> j.modelName() != null && modelIds.containsKey(j.modelName()))
                .map(j -> new ModelVersionEntity.Key(modelIds.get(j.modelName()), j.modelVersionNumber())).distinct().toList();
        Map<ModelVersionEntity.Key, ModelVersion> found = new HashMap<>();
        registry.toApi(registry.versions(keys)).forEach(v -> found.put(new ModelVersionEntity.Key(v.modelId(), v.version()), v));
        return page.stream().map(j -> j.modelName() == null || !modelIds.containsKey(j.modelName()) ? null
                : found.get(new ModelVersionEntity.Key(modelIds.get(j.modelName()), j.modelVersionNumber()))).toList();
    }

    @Description("The holdout metrics the job logged to its run; empty until it finished.")
    public @NonNull List<@NonNull List<@NonNull Metric>> metrics(@Source List<Job> page) {
        Map<UUID, List<Metric>> metrics = runs.latestMetricsOf(page.stream().map(Job::runId).filter(Objects::nonNull)
                .map(RunIds::parse).distinct().toList());
        return page.stream().map(j -> j.runId() == null ? List.<Metric>of() : metrics.getOrDefault(RunIds.parse(j.runId()), List.of()))
                .toList();
    }
}
