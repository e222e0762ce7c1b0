package dev.lodestar.mlflow;

import static dev.lodestar.testing.Fixtures.createModel;
import static dev.lodestar.testing.Fixtures.createReadyVersion;
import static dev.lodestar.testing.Fixtures.tribuoModel;
import static dev.lodestar.testing.Fixtures.unique;
import static dev.lodestar.testing.Fixtures.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.ModelRegistry.CreateModelVersion;
import org.mlflow.api.proto.ModelRegistry.CreateRegisteredModel;
import org.mlflow.api.proto.ModelRegistry.GetRegisteredModel;
import org.mlflow.api.proto.ModelRegistry.GetModelVersionByAlias;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.ModelVersionStatus;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.ModelRegistry.SetRegisteredModelAlias;
import org.mlflow.api.proto.ModelRegistry.TransitionModelVersionStage;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.GetRun;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.RunsPage;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.MessageOrBuilder;
import org.mlflow_project.google.protobuf.util.JsonFormat;

import dev.lodestar.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * The official MLflow Java client ({@code org.mlflow:mlflow-client}) against the running gateway, with a real
 * Keycloak token: tracking, search and the registry, as existing MLflow code would use them. Where the client
 * has no method (registry writes, aliases), its own {@code sendPost}/{@code sendGet} carry protobuf-made requests,
 * and answers are parsed strictly against MLflow's protos, so an unknown field or a wrong type fails the test.
 */
@QuarkusTest
class MlflowClientTest {

    private MlflowClient alice;

    @BeforeEach
    void connect() {
        alice = clientOf("alice");
    }

    @AfterEach
    void close() {
        alice.close();
    }

    static MlflowClient clientOf(String user) {
        return new MlflowClient(new BasicMlflowHostCreds(RestAssured.baseURI + ":" + RestAssured.port, Tokens.of(user)));
    }

    @Test
    void experimentsAreCreatedAndReadByIdAndByName() {
        String name = unique("mlflow-experiment");

        String id = alice.createExperiment(name);

        Experiment byId = alice.getExperiment(id);
        assertThat(byId.getName()).isEqualTo(name);
        assertThat(byId.getLifecycleStage()).isEqualTo("active");
        assertThat(byId.getCreationTime()).isPositive();
        assertThat(alice.getExperimentByName(name)).map(Experiment::getExperimentId).contains(id);
        assertThat(alice.getExperimentByName(unique("missing"))).isEmpty();
        alice.setExperimentTag(id, "team", "vision");
        assertThat(alice.getExperiment(id).getTagsList()).extracting(t -> t.getKey() + "=" + t.getValue()).contains("team=vision");

        alice.deleteExperiment(id);
        assertThat(alice.getExperiment(id).getLifecycleStage()).isEqualTo("deleted");
        alice.restoreExperiment(id);
        assertThat(alice.getExperiment(id).getLifecycleStage()).isEqualTo("active");
        assertThat(alice.searchExperiments("name = '" + name + "'").getItems()).extracting(Experiment::getExperimentId)
                .containsExactly(id);
    }

    @Test
    void runsAreLoggedAndSearchedWithAFilterAnOrderAndPages() {
        String experiment = alice.createExperiment(unique("mlflow-runs"));
        RunInfo first = alice.createRun(CreateRun.newBuilder().setExperimentId(experiment).setRunName("shallow")
                .addTags(RunTag.newBuilder().setKey("team").setValue("vision")).build());
        RunInfo second = alice.createRun(experiment);
        long now = System.currentTimeMillis();

        alice.logBatch(first.getRunId(), List.of(metric("acc", 0.70, now, 0), metric("acc", 0.80, now + 1, 1),
                metric("acc", 0.75, now + 2, 2)), List.of(param("lr", "0.1")), List.of(tag("framework", "tribuo")));
        alice.logMetric(first.getRunId(), "loss", 0.5, now, 3);
        alice.logParam(first.getRunId(), "depth", "4");
        alice.setTag(first.getRunId(), "temporary", "yes");
        alice.deleteTag(first.getRunId(), "temporary");
        alice.logBatch(second.getRunId(), List.of(metric("acc", 0.95, now, 0)), List.of(param("lr", "0.01")), List.of());
        alice.setTerminated(first.getRunId());

        assertThat(first.getRunId()).matches("[0-9a-f]{32}");
        assertThat(first.getStatus()).isEqualTo(RunStatus.RUNNING);
        Run run = alice.getRun(first.getRunId());
        assertThat(run.getInfo().getRunName()).isEqualTo("shallow");
        assertThat(run.getInfo().getUserId()).isEqualTo("alice");
        assertThat(run.getInfo().getStatus()).isEqualTo(RunStatus.FINISHED);
        assertThat(run.getInfo().getEndTime()).isGreaterThanOrEqualTo(run.getInfo().getStartTime());
        assertThat(pairs(run.getData().getParamsList().stream().collect(Collectors.toMap(Param::getKey, Param::getValue))))
                .containsExactlyInAnyOrder("depth=4", "lr=0.1");
        assertThat(run.getData().getTagsList()).extracting(RunTag::getKey).contains("team", "framework").doesNotContain("temporary");
        assertThat(run.getData().getMetricsList()).extracting(m -> m.getKey() + "=" + m.getValue() + "@" + m.getStep())
                .containsExactlyInAnyOrder("acc=0.75@2", "loss=0.5@3");

        RunsPage filtered = alice.searchRuns(List.of(experiment), "metrics.acc > 0.5 and params.lr = '0.1'",
                ViewType.ACTIVE_ONLY, 10);
        assertThat(filtered.getItems()).extracting(r -> r.getInfo().getRunId()).containsExactly(first.getRunId());
        RunsPage ordered = alice.searchRuns(List.of(experiment), "", ViewType.ACTIVE_ONLY, 1, List.of("metrics.acc DESC"));
        assertThat(ordered.getItems()).extracting(r -> r.getInfo().getRunId()).containsExactly(second.getRunId());
        assertThat(ordered.hasNextPage()).isTrue();
        assertThat(ordered.getNextPage().getItems()).extracting(r -> r.getInfo().getRunId()).containsExactly(first.getRunId());
        assertThat(alice.searchRuns(List.of(experiment), "attributes.status = 'FINISHED'"))
                .extracting(RunInfo::getRunId).containsExactly(first.getRunId());

        List<Metric> history = alice.getMetricHistory(first.getRunId(), "acc");
        assertThat(history).extracting(Metric::getStep).containsExactly(0L, 1L, 2L);
        assertThat(history).extracting(Metric::getValue).containsExactly(0.70, 0.80, 0.75);
        assertThat(history.get(1).getTimestamp()).isEqualTo(now + 1);
    }

    @Test
    void deletedRunsLeaveSearchesUntilRestored() {
        String experiment = alice.createExperiment(unique("mlflow-deleted"));
        String run = alice.createRun(experiment).getRunId();

        alice.deleteRun(run);

        assertThat(alice.getRun(run).getInfo().getLifecycleStage()).isEqualTo("deleted");
        assertThat(alice.searchRuns(List.of(experiment), null)).isEmpty();
        assertThat(alice.searchRuns(List.of(experiment), null, ViewType.DELETED_ONLY)).extracting(RunInfo::getRunId)
                .containsExactly(run);
        assertThatThrownBy(() -> alice.logParam(run, "lr", "0.1")).isInstanceOfSatisfying(MlflowHttpException.class,
                e -> assertThat(e.getBodyMessage()).contains("INVALID_PARAMETER_VALUE"));
        alice.restoreRun(run);
        assertThat(alice.searchRuns(List.of(experiment), null)).extracting(RunInfo::getRunId).containsExactly(run);
    }

    @Test
    void registeredModelsAndVersionsMadeInLodestarReadThroughTheClient() throws Exception {
        String model = createModel(unique("mlflow-model"));
        createReadyVersion(model, tribuoModel("churn-logistic"));
        createReadyVersion(model, "not a tribuo model".getBytes(StandardCharsets.UTF_8));

        RegisteredModel registered = alice.getRegisteredModel(model);
        ModelVersion first = alice.getModelVersion(model, "1");

        assertThat(registered.getName()).isEqualTo(model);
        assertThat(registered.getUserId()).isEqualTo("alice");
        assertThat(registered.getLatestVersionsList()).extracting(ModelVersion::getVersion, ModelVersion::getCurrentStage)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("2", "None"));
        assertThat(first.getStatus()).isEqualTo(ModelVersionStatus.READY);
        assertThat(first.getSource()).startsWith("lodestar-artifacts:/");
        assertThat(first.getUserId()).isEqualTo("alice");
        assertThat(alice.getModelVersionDownloadUri(model, "1")).isEqualTo(first.getSource());
        assertThat(alice.searchModelVersions("name = '" + model + "'").getItems()).extracting(ModelVersion::getVersion)
                .containsExactly("2", "1");
        assertThat(strict(alice.sendGet("registered-models/get?name=" + model), GetRegisteredModel.Response.newBuilder())
                .getRegisteredModel().getAliasesList()).isEmpty();
    }

    @Test
    void modelsAndVersionsAreRegisteredThroughTheClient() throws Exception {
        String model = unique("mlflow-registered");
        String artifact = upload(tribuoModel("spend-linear")).getString("id");

        var created = strict(alice.sendPost("registered-models/create", json(CreateRegisteredModel.newBuilder().setName(model)
                .setDescription("spend forecast"))), CreateRegisteredModel.Response.newBuilder());
        var version = strict(alice.sendPost("model-versions/create", json(CreateModelVersion.newBuilder().setName(model)
                .setSource("lodestar-artifacts:/" + artifact))), CreateModelVersion.Response.newBuilder());

        assertThat(created.getRegisteredModel().getName()).isEqualTo(model);
        assertThat(created.getRegisteredModel().getDescription()).isEqualTo("spend forecast");
        assertThat(version.getModelVersion().getVersion()).isEqualTo("1");
        assertThat(version.getModelVersion().getStatus()).isIn(ModelVersionStatus.PENDING_REGISTRATION, ModelVersionStatus.READY);
        assertThat(awaitReady(model, "1").getSource()).isEqualTo("lodestar-artifacts:/" + artifact);
        assertThatThrownBy(() -> alice.sendPost("registered-models/create", json(CreateRegisteredModel.newBuilder().setName(model))))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS");
                });
    }

    @Test
    void aliasesMoveUnlessProtectedAndStagesMapToThem() throws Exception {
        String model = createModel(unique("mlflow-alias"));
        createReadyVersion(model, tribuoModel("churn-logistic"));

        alice.sendPost("registered-models/alias", json(SetRegisteredModelAlias.newBuilder().setName(model)
                .setAlias("candidate").setVersion("1")));
        var byAlias = strict(alice.sendGet("registered-models/alias?name=" + model + "&alias=candidate"),
                GetModelVersionByAlias.Response.newBuilder());

        assertThat(byAlias.getModelVersion().getVersion()).isEqualTo("1");
        assertThat(byAlias.getModelVersion().getAliasesList()).containsExactly("candidate");
        assertThat(alice.getRegisteredModel(model).getAliasesList()).extracting(a -> a.getAlias() + "=" + a.getVersion())
                .containsExactly("candidate=1");
        assertThatThrownBy(() -> alice.sendPost("registered-models/alias", json(SetRegisteredModelAlias.newBuilder()
                .setName(model).setAlias("champion").setVersion("1"))))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(403);
                    assertThat(e.getBodyMessage()).contains("PERMISSION_DENIED").contains("requestPromotion");
                });
        assertThatThrownBy(() -> alice.sendPost("model-versions/transition-stage", json(TransitionModelVersionStage.newBuilder()
                .setName(model).setVersion("1").setStage("Production"))))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(403);
                    assertThat(e.getBodyMessage()).contains("PERMISSION_DENIED").contains("champion");
                });

        var staged = strict(alice.sendPost("model-versions/transition-stage", json(TransitionModelVersionStage.newBuilder()
                .setName(model).setVersion("1").setStage("Staging"))), TransitionModelVersionStage.Response.newBuilder());

        assertThat(staged.getModelVersion().getCurrentStage()).isEqualTo("Staging");
        assertThat(staged.getModelVersion().getAliasesList()).containsExactlyInAnyOrder("candidate", "challenger");
        assertThat(alice.getLatestVersions(model, List.of("Staging"))).extracting(ModelVersion::getVersion).containsExactly("1");
        assertThat(alice.getLatestVersions(model, List.of("Production"))).isEmpty();
    }

    @Test
    void answersMatchMlflowsProtosExactly() throws Exception {
        String experiment = alice.createExperiment(unique("mlflow-shapes"));
        String run = alice.createRun(experiment).getRunId();
        alice.logMetric(run, "acc", 0.9);

        strict(alice.sendGet("runs/get?run_id=" + run), GetRun.Response.newBuilder());
        strict(alice.sendGet("experiments/get?experiment_id=" + experiment),
                org.mlflow.api.proto.Service.GetExperiment.Response.newBuilder());
        strict(alice.sendPost("runs/search", "{\"experiment_ids\": [\"" + experiment + "\"]}"),
                org.mlflow.api.proto.Service.SearchRuns.Response.newBuilder());
        strict(alice.sendGet("metrics/get-history?run_id=" + run + "&metric_key=acc"),
                org.mlflow.api.proto.Service.GetMetricHistory.Response.newBuilder());
    }

    private ModelVersion awaitReady(String model, String version) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ModelVersion found = alice.getModelVersion(model, version);
        while (found.getStatus() == ModelVersionStatus.PENDING_REGISTRATION && System.nanoTime() < deadline) {
            Thread.sleep(50);
            found = alice.getModelVersion(model, version);
        }
        assertThat(found.getStatus()).isEqualTo(ModelVersionStatus.READY);
        return found;
    }

    /** Parses an answer against MLflow's proto, refusing unknown fields. */
    static <B extends Message.Builder> B strict(String json, B builder) throws InvalidProtocolBufferException {
        JsonFormat.parser().merge(json, builder);
        return builder;
    }

    static String json(MessageOrBuilder message) throws InvalidProtocolBufferException {
        return JsonFormat.printer().preservingProtoFieldNames().print(message);
    }

    private static Metric metric(String key, double value, long timestamp, long step) {
        return Metric.newBuilder().setKey(key).setValue(value).setTimestamp(timestamp).setStep(step).build();
    }

    private static Param param(String key, String value) {
        return Param.newBuilder().setKey(key).setValue(value).build();
    }

    private static RunTag tag(String key, String value) {
        return RunTag.newBuilder().setKey(key).setValue(value).build();
    }

    private static List<String> pairs(Map<String, String> map) {
        return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
}
