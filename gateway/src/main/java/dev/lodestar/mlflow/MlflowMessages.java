package dev.lodestar.mlflow;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The requests and responses of the MLflow REST API, field for field as MLflow's protos name them (snake_case in
 * JSON). Ids are strings, times milliseconds since 1970; fields without a value are left out, as MLflow does.
 * Requests carry only what Lodestar reads; other fields clients send are ignored.
 */
public final class MlflowMessages {

    private MlflowMessages() {
    }

    // Shared shapes

    /** MLflow's error body. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Error(String errorCode, String message) {
    }

    /** A param, a run or experiment tag, or a registry tag. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyValue(String key, String value) {
    }

    /** A metric point, logged or read. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Metric(String key, Double value, Long timestamp, Long step) {
    }

    // Tracking: experiments

    /** An experiment; {@code lifecycle_stage} is {@code deleted} for an archived one. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Experiment(String experimentId, String name, String artifactLocation, String lifecycleStage,
            Long lastUpdateTime, Long creationTime, List<KeyValue> tags) {
    }

    /** {@code experiments/create}; {@code artifact_location} is ignored (Lodestar stores artifacts itself). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateExperiment(String name, String artifactLocation, List<KeyValue> tags) {
    }

    /** The answer of {@code experiments/create}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateExperimentResponse(String experimentId) {
    }

    /** {@code experiments/get}, {@code delete} and {@code restore}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ExperimentRef(String experimentId) {
    }

    /** {@code experiments/get-by-name}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ExperimentByName(String experimentName) {
    }

    /** The answer of {@code experiments/get} and {@code get-by-name}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ExperimentResponse(Experiment experiment) {
    }

    /** {@code experiments/update}: a new name. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateExperiment(String experimentId, String newName) {
    }

    /** {@code experiments/set-experiment-tag}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SetExperimentTag(String experimentId, String key, String value) {
    }

    /** {@code experiments/search}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SearchExperiments(Long maxResults, String pageToken, String filter, List<String> orderBy,
            String viewType) {
    }

    /** The answer of {@code experiments/search}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SearchExperimentsResponse(List<Experiment> experiments, String nextPageToken) {
    }

    // Tracking: runs

    /** What MLflow calls a run's info. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunInfo(String runId, String runUuid, String runName, String experimentId, String userId,
            String status, Long startTime, Long endTime, String artifactUri, String lifecycleStage) {
    }

    /** A run's params, tags and the latest point of each metric. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RunData(List<Metric> metrics, List<KeyValue> params, List<KeyValue> tags) {
    }

    /** A run. Lodestar records no dataset inputs, so {@code inputs} is always empty. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Run(RunInfo info, RunData data, Map<String, Object> inputs) {
    }

    /**
     * {@code runs/create}. {@code user_id} and {@code start_time} are ignored: the user comes from the token and
     * the start time from the server's clock.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateRun(String experimentId, String userId, String runName, Long startTime, List<KeyValue> tags) {
    }

    /** The answer of {@code runs/create} and {@code runs/get}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RunResponse(Run run) {
    }

    /** {@code runs/get}, {@code delete} and {@code restore}: {@code run_id}, or the older {@code run_uuid}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RunRef(String runId, String runUuid) {
    }

    /** {@code runs/update}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateRun(String runId, String runUuid, String status, Long endTime, String runName) {
    }

    /** The answer of {@code runs/update}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateRunResponse(RunInfo runInfo) {
    }

    /** {@code runs/log-metric}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LogMetric(String runId, String runUuid, String key, Double value, Long timestamp, Long step) {
    }

    /** {@code runs/log-parameter} and {@code runs/set-tag}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RunKeyValue(String runId, String runUuid, String key, String value) {
    }

    /** {@code runs/delete-tag}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DeleteRunTag(String runId, String key) {
    }

    /** {@code runs/log-batch}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LogBatch(String runId, List<Metric> metrics, List<KeyValue> params, List<KeyValue> tags) {
    }

    /** {@code runs/search}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SearchRuns(List<String> experimentIds, String filter, String runViewType, Long maxResults,
            List<String> orderBy, String pageToken) {
    }

    /** The answer of {@code runs/search}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SearchRunsResponse(List<Run> runs, String nextPageToken) {
    }

    /** {@code metrics/get-history}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GetMetricHistory(String runId, String runUuid, String metricKey, String pageToken, Long maxResults) {
    }

    /** The answer of {@code metrics/get-history}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MetricHistoryResponse(List<Metric> metrics, String nextPageToken) {
    }

    // Model registry

    /** An alias of a registered model. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Alias(String alias, String version) {
    }

    /** A model version; {@code current_stage} is derived from its aliases ({@link MlflowStages}). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelVersion(String name, String version, Long creationTimestamp, Long lastUpdatedTimestamp,
            String userId, String currentStage, String description, String source, String runId, String status,
            String statusMessage, List<KeyValue> tags, List<String> aliases) {
    }

    /** A registered model with the latest version of each stage. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RegisteredModel(String name, Long creationTimestamp, Long lastUpdatedTimestamp, String userId,
            String description, List<ModelVersion> latestVersions, List<KeyValue> tags, List<Alias> aliases) {
    }

    /** {@code registered-models/create}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateRegisteredModel(String name, List<KeyValue> tags, String description) {
    }

    /** {@code registered-models/get}, {@code update}, {@code delete} and {@code rename}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ModelRef(String name, String description, String newName) {
    }

    /** The answer of {@code registered-models/create}, {@code get} and {@code update}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RegisteredModelResponse(RegisteredModel registeredModel) {
    }

    /** {@code registered-models/search} and {@code model-versions/search}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SearchRegistry(String filter, Long maxResults, List<String> orderBy, String pageToken) {
    }

    /** The answer of {@code registered-models/search}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SearchRegisteredModelsResponse(List<RegisteredModel> registeredModels, String nextPageToken) {
    }

    /** {@code registered-models/set-tag} and {@code delete-tag}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ModelTag(String name, String key, String value) {
    }

    /** {@code registered-models/get-latest-versions}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GetLatestVersions(String name, List<String> stages) {
    }

    /** The answer of {@code get-latest-versions} and {@code model-versions/search}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelVersionsResponse(List<ModelVersion> modelVersions, String nextPageToken) {
    }

    /** {@code registered-models/alias}: set (POST), delete (DELETE) or read (GET). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AliasRequest(String name, String alias, String version) {
    }

    /** {@code model-versions/create}; {@code source} names a Lodestar artifact. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateModelVersion(String name, String source, String runId, List<KeyValue> tags, String runLink,
            String description) {
    }

    /** {@code model-versions/get}, {@code update}, {@code delete}, {@code get-download-uri}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record VersionRef(String name, String version, String description) {
    }

    /** The answer of the calls about one version. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ModelVersionResponse(ModelVersion modelVersion) {
    }

    /** {@code model-versions/set-tag} and {@code delete-tag}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record VersionTag(String name, String version, String key, String value) {
    }

    /** {@code model-versions/transition-stage}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TransitionStage(String name, String version, String stage, Boolean archiveExistingVersions) {
    }

    /** The answer of {@code model-versions/get-download-uri}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DownloadUriResponse(String artifactUri) {
    }
}
