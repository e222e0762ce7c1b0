package dev.lodestar.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import dev.lodestar.inference.drift.FeedbackBuffer;
import dev.lodestar.inference.drift.LiveProfiles;
import dev.lodestar.inference.drift.WindowShipment;

import dev.lodestar.inference.serving.Deployment;
import dev.lodestar.inference.serving.PositionalRows;
import dev.lodestar.inference.serving.PredictionIds;
import dev.lodestar.inference.serving.Route;
import dev.lodestar.inference.serving.ServableModel;
import dev.lodestar.inference.serving.ServedVersion;
import dev.lodestar.inference.serving.ServingState;
import dev.lodestar.inference.serving.ShadowMirror;
import dev.lodestar.inference.v1.BatchError;
import dev.lodestar.inference.v1.Classification;
import dev.lodestar.inference.v1.CompactPrediction;
import dev.lodestar.inference.v1.DeploymentState;
import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.inference.v1.FeedbackRequest;
import dev.lodestar.inference.v1.FeedbackResponse;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.ListDeploymentsRequest;
import dev.lodestar.inference.v1.ListDeploymentsResponse;
import dev.lodestar.inference.v1.Outcome;
import dev.lodestar.inference.v1.PredictBatchRequest;
import dev.lodestar.inference.v1.PredictBatchResponse;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.inference.v1.PredictResponse;
import dev.lodestar.inference.v1.Row;
import dev.lodestar.inference.v1.ShadowComparison;
import dev.lodestar.inference.v1.VersionState;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * {@code lodestar.inference.v1.Inference}: scores rows with the deployments of the {@link ServingState}.
 *
 * <p>Scoring is CPU work of microseconds, so it runs on the transport thread that received the request (the
 * server uses a direct executor): no hand-off, no queue. A request whose deadline has passed is not scored
 * ({@code DEADLINE_EXCEEDED}); a batch checks again every {@value #DEADLINE_CHECK_ROWS} rows. Answered rows are
 * handed off to the {@link LiveProfiles} without waiting (a call's rows in one hand-off), and {@code Feedback}
 * outcomes are checked and buffered for the next shipment.
 */
final class InferenceService extends InferenceGrpc.InferenceImplBase {

    static final int DEADLINE_CHECK_ROWS = 64;


    private final ServingState state;
    private final ShadowMirror shadows;
    private final PredictionIds ids;
    private final LiveProfiles profiles;
    private final FeedbackBuffer feedback;
    private final String replicaId;

    /**
     * @param profiles where answered rows are handed off to
     * @param feedback where accepted outcomes wait for shipment; null when this server ships nothing
     */
    InferenceService(ServingState state, ShadowMirror shadows, PredictionIds ids, LiveProfiles profiles,
            FeedbackBuffer feedback, String replicaId) {
        this.state = state;
        this.shadows = shadows;
        this.ids = ids;
        this.profiles = profiles;
        this.feedback = feedback;
        this.replicaId = replicaId;
    }

    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> responses) {
        long started = System.nanoTime();
        ServedVersion version;
        Deployment deployment;
        try {
            deployment = deployment(request.getDeployment());
            version = acquire(deployment, request.getRoutingKey());
        } catch (StatusException e) {
            responses.onError(e);
            return;
        }
        version.answer(started, responses, () -> {
            checkDeadline();
            return new ServedVersion.Scored<>(score(deployment, version, request.getFeaturesMap(), ""), 1);
        });
    }

    @Override
    public void predictBatch(PredictBatchRequest request, StreamObserver<PredictBatchResponse> responses) {
        try {
            responses.onNext(batch(request, System.nanoTime()));
            responses.onCompleted();
        } catch (StatusException e) {
            responses.onError(e);
        }
    }

    @Override
    public StreamObserver<PredictBatchRequest> predictStream(StreamObserver<PredictBatchResponse> responses) {
        ServerCallStreamObserver<PredictBatchResponse> call = (ServerCallStreamObserver<PredictBatchResponse>) responses;
        call.disableAutoRequest();
        ReadyRequester requester = new ReadyRequester(call);
        call.setOnReadyHandler(requester);
        return new StreamObserver<>() {
            @Override
            public void onNext(PredictBatchRequest request) {
                PredictBatchResponse response;
                try {
                    response = batch(request, System.nanoTime());
                } catch (StatusException e) {
                    if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED
                            || e.getStatus().getCode() == Status.Code.CANCELLED) {
                        call.onError(e);
                        return;
                    }
                    response = PredictBatchResponse.newBuilder().setCorrelationId(request.getCorrelationId())
                            .setError(BatchError.newBuilder().setCode(e.getStatus().getCode().value())
                                    .setMessage(String.valueOf(e.getStatus().getDescription())))
                            .build();
                }
                call.onNext(response);
                requester.next();
            }

            @Override
            public void onError(Throwable error) {
                // The caller went away; nothing is left to answer.
            }

            @Override
            public void onCompleted() {
                call.onCompleted();
            }
        };
    }

    /** Asks for the next streamed request only while the caller keeps reading answers. */
    private static final class ReadyRequester implements Runnable {
        private final ServerCallStreamObserver<?> call;
        private boolean requested;

        ReadyRequester(ServerCallStreamObserver<?> call) {
            this.call = call;
        }

        @Override
        public void run() {
            if (call.isReady() && !requested) {
                requested = true;
                call.request(1);
            }
        }

        void next() {
            if (call.isReady()) {
                call.request(1);
            } else {
                requested = false;
            }
        }
    }

    private PredictBatchResponse batch(PredictBatchRequest request, long started) throws StatusException {
        Deployment deployment = deployment(request.getDeployment());
        ServedVersion version = acquire(deployment, request.getRoutingKey());
        return version.serve(started, () -> {
            checkDeadline();
            List<Row> rows = request.getRowsList();
            PositionalRows positional = null;
            if (request.getColumnsCount() > 0) {
                try {
                    positional = PositionalRows.of(version.servable().columns(), request.getColumnsList());
                } catch (IllegalArgumentException e) {
                    throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
                }
            }
            PredictBatchResponse response = request.getCompact()
                    ? compact(deployment, version, request, rows, positional)
                    : named(deployment, version, request, rows, positional);
            return new ServedVersion.Scored<>(response, rows.size());
        });
    }

    private PredictBatchResponse named(Deployment deployment, ServedVersion version, PredictBatchRequest request,
            List<Row> rows, PositionalRows positional) throws StatusException {
        PredictBatchResponse.Builder response = PredictBatchResponse.newBuilder()
                .setCorrelationId(request.getCorrelationId());
        scoreRows(deployment, version, rows, positional,
                (id, answer) -> response.addPredictions(response(deployment.name(), version, answer, id)));
        return response.build();
    }

    private PredictBatchResponse compact(Deployment deployment, ServedVersion version, PredictBatchRequest request,
            List<Row> rows, PositionalRows positional) throws StatusException {
        ServableModel model = version.servable();
        PredictBatchResponse.Builder response = PredictBatchResponse.newBuilder()
                .setCorrelationId(request.getCorrelationId())
                .setDeployment(deployment.name())
                .setModel(version.model() == null ? "" : version.model())
                .setModelVersion(version.version())
                .addAllClasses(model.classes());
        boolean regression = model.regression();
        CompactPrediction.Builder prediction = CompactPrediction.newBuilder();
        scoreRows(deployment, version, rows, positional, (id, answer) -> {
            prediction.clear().setPredictionId(id);
            if (regression) {
                prediction.setValue(answer.value());
            } else {
                double[] scores = answer.scores();
                for (double score : scores) {
                    prediction.addScores(score);
                }
                prediction.setLabelIndex(model.classIndex(answer.label()));
            }
            response.addCompact(prediction.build());
        });
        return response.build();
    }

    /**
     * Scores a batch's rows in order, mirrors each to the shadow, and hands each answer with its prediction id to
     * {@code answers}; the deadline (and the second the ids carry) is checked every {@value #DEADLINE_CHECK_ROWS} rows.
     */
    private void scoreRows(Deployment deployment, ServedVersion version, List<Row> rows, PositionalRows positional,
            BiConsumer<String, ServableModel.Answer> answers) throws StatusException {
        ServedVersion shadow = shadowOf(deployment, version);
        long firstId = ids.reserve(rows.size());
        PredictionIds.Second second = ids.now();
        long epochSecond = second.epochSecond();
        Object[][] handedRows = new Object[rows.size()][];
        ServableModel.Answer[] handedAnswers = new ServableModel.Answer[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0 && i % DEADLINE_CHECK_ROWS == 0) {
                checkDeadline();
                second = ids.now();
            }
            Row row = rows.get(i);
            Object[] cells = cells(version, row, positional, i);
            ServableModel.Answer answer = answer(version, cells, i);
            String id = ids.id(version, second, answer, firstId + i);
            if (shadow != null) {
                shadows.mirror(deployment, shadow, version, positional == null ? row.getFeaturesMap() : null, cells, answer, id,
                        second.epochSecond());
            }
            handedRows[i] = cells;
            handedAnswers[i] = answer;
            answers.accept(id, answer);
        }
        profiles.offer(version, epochSecond, handedRows, handedAnswers, rows.size());
    }

    private static Object[] cells(ServedVersion version, Row row, PositionalRows positional, int index)
            throws StatusException {
        try {
            return positional == null ? version.servable().row(row.getFeaturesMap()) : positional.read(row);
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription("row " + index + ": " + e.getMessage()).asException();
        }
    }

    private static ServableModel.Answer answer(ServedVersion version, Object[] cells, int index) throws StatusException {
        try {
            return version.servable().score(cells);
        } catch (RuntimeException e) {
            throw Status.INTERNAL.withDescription("row " + index + ": scoring failed: " + e.getMessage()).asException();
        }
    }

    private static ServedVersion shadowOf(Deployment deployment, ServedVersion version) {
        Route route = deployment.route();
        return route == null || route.shadow() == null || route.shadow() == version ? null : route.shadow();
    }

    private PredictResponse score(Deployment deployment, ServedVersion version, Map<String, FeatureValue> features,
            String where) throws StatusException {
        ServableModel model = version.servable();
        Object[] row;
        try {
            row = model.row(features);
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription(where + e.getMessage()).asException();
        }
        ServableModel.Answer answer = model.score(row);
        PredictionIds.Second second = ids.now();
        String id = ids.id(version, second, answer, ids.reserve(1));
        ServedVersion shadow = shadowOf(deployment, version);
        if (shadow != null) {
            shadows.mirror(deployment, shadow, version, features, row, answer, id, second.epochSecond());
        }
        profiles.offer(version, second.epochSecond(), row, answer);
        return response(deployment.name(), version, answer, id);
    }

    static PredictResponse response(String deployment, ServedVersion version, ServableModel.Answer answer, String id) {
        ServableModel model = version.servable();
        PredictResponse.Builder response = PredictResponse.newBuilder()
                .setPredictionId(id)
                .setDeployment(deployment)
                .setModel(version.model() == null ? "" : version.model())
                .setModelVersion(version.version());
        if (model.regression()) {
            response.setRegression(answer.value());
        } else {
            List<String> classes = model.classes();
            Classification.Builder classification = Classification.newBuilder().setLabel(answer.label());
            double[] scores = answer.scores();
            if (scores != null) {
                for (int c = 0; c < scores.length; c++) {
                    classification.putScores(classes.get(c), scores[c]);
                }
            }
            response.setClassification(classification);
        }
        return response.build();
    }

    @Override
    public void listDeployments(ListDeploymentsRequest request, StreamObserver<ListDeploymentsResponse> responses) {
        ListDeploymentsResponse.Builder response = ListDeploymentsResponse.newBuilder()
                .setRevision(state.applied().revision())
                .setReplicaId(replicaId);
        for (Deployment deployment : state.deployments()) {
            DeploymentState.Builder entry = DeploymentState.newBuilder().setName(deployment.name())
                    .setModel(deployment.model() == null ? "" : deployment.model());
            Route route = deployment.route();
            if (route != null) {
                entry.setModelVersion(route.primary().version()).setState(DeploymentState.State.READY)
                        .setCanaryPercent(route.canary() == null ? 0 : route.canaryPercent());
            } else {
                boolean failed = deployment.versions().stream().anyMatch(v -> v.state() == Deployment.State.FAILED);
                entry.setState(failed ? DeploymentState.State.FAILED : DeploymentState.State.LOADING);
            }
            for (Deployment.Version version : deployment.versions()) {
                ServedVersion served = version.served();
                entry.addVersions(VersionState.newBuilder()
                        .setVersion(version.version())
                        .setRole(VersionState.Role.valueOf(version.role().name()))
                        .setState(DeploymentState.State.valueOf(version.state().name()))
                        .setError(version.error() == null ? "" : version.error())
                        .setLoadMillis(version.loadMillis())
                        .setInFlight(served == null ? 0 : served.inFlight())
                        .setPredictions(served == null ? 0 : served.predictions()));
            }
            for (Deployment.ShadowRecord record : deployment.recentShadow()) {
                entry.addRecentShadow(ShadowComparison.newBuilder().setPredictionId(record.predictionId())
                        .setServedVersion(record.servedVersion()).setShadowVersion(record.shadowVersion())
                        .setServedAnswer(record.servedAnswer()).setShadowAnswer(record.shadowAnswer())
                        .setAgrees(record.agrees()));
            }
            response.addDeployments(entry);
        }
        responses.onNext(response.build());
        responses.onCompleted();
    }

    @Override
    public void feedback(FeedbackRequest request, StreamObserver<FeedbackResponse> responses) {
        List<WindowShipment.Outcome> outcomes = new ArrayList<>(request.getOutcomesCount());
        try {
            for (int i = 0; i < request.getOutcomesCount(); i++) {
                outcomes.add(outcome(i, request.getOutcomes(i)));
            }
            if (feedback == null) {
                throw Status.FAILED_PRECONDITION.withDescription("this server ships no feedback (no control plane is"
                        + " configured, or LODESTAR_DRIFT_SHIP is false); send outcomes to the gateway's logFeedback")
                        .asException();
            }
            if (!feedback.offer(outcomes)) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("too many outcomes wait to be shipped (" + feedback.size()
                        + "); none of this call's was kept, retry later").asException();
            }
        } catch (StatusException e) {
            responses.onError(e);
            return;
        }
        responses.onNext(FeedbackResponse.newBuilder().setAccepted(outcomes.size()).build());
        responses.onCompleted();
    }

    /** One outcome, checked as every side checks outcomes ({@link dev.lodestar.deploy.model.Outcome}). */
    private static WindowShipment.Outcome outcome(int index, Outcome outcome) throws StatusException {
        try {
            dev.lodestar.deploy.model.Outcome valid = dev.lodestar.deploy.model.Outcome.of(outcome.getPredictionId(), outcome.getActual());
            return new WindowShipment.Outcome(outcome.getPredictionId(), valid.actual());
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription("outcome " + index + " (" + outcome.getPredictionId() + "): "
                    + e.getMessage()).asException();
        }
    }

    private Deployment deployment(String name) throws StatusException {
        if (name.isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("deployment is required").asException();
        }
        Deployment deployment = state.deployment(name);
        if (deployment == null && !state.hasApplied()) {
            throw Status.UNAVAILABLE.withDescription("this replica has not loaded its deployments yet; retry")
                    .asException();
        }
        if (deployment == null) {
            throw Status.NOT_FOUND.withDescription("no deployment named '" + name + "' is served here").asException();
        }
        return deployment;
    }

    static ServedVersion acquire(Deployment deployment, String routingKey) throws StatusException {
        ServedVersion version = deployment.acquire(routingKey);
        if (version == null) {
            throw Status.UNAVAILABLE.withDescription("deployment '" + deployment.name() + "' has no version ready yet")
                    .asException();
        }
        return version;
    }

    static void checkDeadline() throws StatusException {
        Context context = Context.current();
        Deadline deadline = context.getDeadline();
        if (deadline != null && deadline.isExpired()) {
            throw Status.DEADLINE_EXCEEDED.withDescription("the call's deadline passed before it was scored").asException();
        }
        if (context.isCancelled()) {
            throw Status.CANCELLED.withDescription("the caller cancelled the call").asException();
        }
    }
}
