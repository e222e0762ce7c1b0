package dev.lodestar.inference.oip;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import com.google.protobuf.ByteString;

import dev.lodestar.inference.drift.LiveProfiles;
import dev.lodestar.inference.oip.v2.GRPCInferenceServiceGrpc;
import dev.lodestar.inference.oip.v2.InferParameter;
import dev.lodestar.inference.oip.v2.InferTensorContents;
import dev.lodestar.inference.oip.v2.ModelInferRequest;
import dev.lodestar.inference.oip.v2.ModelInferResponse;
import dev.lodestar.inference.oip.v2.ModelInferResponse.InferOutputTensor;
import dev.lodestar.inference.oip.v2.ModelMetadataRequest;
import dev.lodestar.inference.oip.v2.ModelMetadataResponse;
import dev.lodestar.inference.oip.v2.ModelMetadataResponse.TensorMetadata;
import dev.lodestar.inference.oip.v2.ModelReadyRequest;
import dev.lodestar.inference.oip.v2.ModelReadyResponse;
import dev.lodestar.inference.oip.v2.ServerLiveRequest;
import dev.lodestar.inference.oip.v2.ServerLiveResponse;
import dev.lodestar.inference.oip.v2.ServerMetadataRequest;
import dev.lodestar.inference.oip.v2.ServerMetadataResponse;
import dev.lodestar.inference.oip.v2.ServerReadyRequest;
import dev.lodestar.inference.oip.v2.ServerReadyResponse;
import dev.lodestar.inference.serving.Deployment;
import dev.lodestar.inference.serving.PredictionIds;
import dev.lodestar.inference.serving.Route;
import dev.lodestar.inference.serving.ServableModel;
import dev.lodestar.inference.serving.ServedVersion;
import dev.lodestar.inference.serving.ServingState;
import dev.lodestar.inference.serving.ShadowMirror;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;

/**
 * {@code inference.GRPCInferenceService} (KServe Open Inference Protocol v2) over the server's deployments.
 *
 * <p>A model is a deployment; its versions are the primary's and the canary's. {@code ModelMetadata} describes
 * the one-tensor-per-column layout (its platform string says so); a single {@code [batch, n]} FP64 or FP32
 * tensor of the number columns in signature order is accepted too (see {@link Tensors}). Outputs:
 * {@code label} (BYTES {@code [batch]}) and {@code scores} (FP64 {@code [batch, classes]}) for a classifier,
 * {@code value} (FP64 {@code [batch]}) for a regression. The response's parameters carry {@code deployment},
 * {@code model}, {@code model_version} and {@code prediction_ids} (comma-separated, one per row). A request
 * sent with raw contents is answered with raw contents. Answered rows are handed off to the {@link LiveProfiles}. Parameter {@code routing_key} (string) makes the
 * canary split sticky.
 */
public final class OipService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    /** The platform string: says which input layout the metadata describes. */
    public static final String PLATFORM = "lodestar_tribuo (inputs: one tensor per column; "
            + "a single [batch, n] FP64 tensor of the number columns in signature order is also accepted)";

    private final ServingState state;
    private final ShadowMirror shadows;
    private final PredictionIds ids;
    private final LiveProfiles profiles;
    private final BooleanSupplier ready;
    private final String serverVersion;

    public OipService(ServingState state, ShadowMirror shadows, PredictionIds ids, LiveProfiles profiles,
            BooleanSupplier ready, String serverVersion) {
        this.state = state;
        this.shadows = shadows;
        this.ids = ids;
        this.profiles = profiles;
        this.ready = ready;
        this.serverVersion = serverVersion;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> responses) {
        responses.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
        responses.onCompleted();
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> responses) {
        responses.onNext(ServerReadyResponse.newBuilder().setReady(ready.getAsBoolean()).build());
        responses.onCompleted();
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> responses) {
        Deployment deployment = state.deployment(request.getName());
        boolean modelReady = false;
        if (deployment != null && deployment.route() != null) {
            modelReady = request.getVersion().isEmpty() || served(deployment.route(), request.getVersion()) != null;
        }
        responses.onNext(ModelReadyResponse.newBuilder().setReady(modelReady).build());
        responses.onCompleted();
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> responses) {
        responses.onNext(ServerMetadataResponse.newBuilder().setName("lodestar-inference").setVersion(serverVersion).build());
        responses.onCompleted();
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> responses) {
        try {
            Deployment deployment = deployment(request.getName());
            Route route = route(deployment);
            ServedVersion version = request.getVersion().isEmpty() ? route.primary() : served(route, request.getVersion());
            if (version == null) {
                throw notServed(deployment, request.getVersion());
            }
            ModelMetadataResponse.Builder metadata = ModelMetadataResponse.newBuilder().setName(deployment.name())
                    .setPlatform(PLATFORM)
                    .addVersions(Integer.toString(route.primary().version()));
            if (route.canary() != null) {
                metadata.addVersions(Integer.toString(route.canary().version()));
            }
            ServableModel model = version.servable();
            for (ServableModel.Column column : model.columns()) {
                metadata.addInputs(TensorMetadata.newBuilder().setName(column.name())
                        .setDatatype(column.text() ? "BYTES" : "FP64").addShape(-1));
            }
            if (model.regression()) {
                metadata.addOutputs(TensorMetadata.newBuilder().setName("value").setDatatype("FP64").addShape(-1));
            } else {
                metadata.addOutputs(TensorMetadata.newBuilder().setName("label").setDatatype("BYTES").addShape(-1));
                metadata.addOutputs(TensorMetadata.newBuilder().setName("scores").setDatatype("FP64").addShape(-1)
                        .addShape(model.classes().size()));
            }
            responses.onNext(metadata.build());
            responses.onCompleted();
        } catch (StatusException e) {
            responses.onError(e);
        }
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> responses) {
        long started = System.nanoTime();
        Deployment deployment;
        ServedVersion version;
        try {
            deployment = deployment(request.getModelName());
            version = acquire(deployment, request);
        } catch (StatusException e) {
            responses.onError(e);
            return;
        }
        version.answer(started, responses, () -> {
            checkDeadline();
            Object[][] rows;
            try {
                rows = Tensors.rows(request, version.servable().columns());
            } catch (IllegalArgumentException e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
            }
            return new ServedVersion.Scored<>(infer(deployment, version, request, rows), rows.length);
        });
    }

    private ModelInferResponse infer(Deployment deployment, ServedVersion version, ModelInferRequest request,
            Object[][] rows) throws StatusException {
        ServableModel model = version.servable();
        Set<String> wanted = new HashSet<>();
        for (ModelInferRequest.InferRequestedOutputTensor output : request.getOutputsList()) {
            wanted.add(output.getName());
        }
        Set<String> known = model.regression() ? Set.of("value") : Set.of("label", "scores");
        for (String name : wanted) {
            if (!known.contains(name)) {
                throw Status.INVALID_ARGUMENT.withDescription("output '" + name + "' is not an output of the model; it has "
                        + known).asException();
            }
        }
        int batch = rows.length;
        int classes = model.classes().size();
        String[] labels = model.regression() ? null : new String[batch];
        double[] values = new double[model.regression() ? batch : batch * classes];
        StringBuilder predictionIds = new StringBuilder(batch * 20);
        Route route = deployment.route();
        ServedVersion shadow = route == null || route.shadow() == version ? null : route.shadow();
        long firstId = ids.reserve(batch);
        PredictionIds.Second second = ids.now();
        long epochSecond = second.epochSecond();
        ServableModel.Answer[] answers = new ServableModel.Answer[batch];
        for (int r = 0; r < batch; r++) {
            if (r > 0 && r % 64 == 0) {
                checkDeadline();
                second = ids.now();
            }
            ServableModel.Answer answer = model.score(rows[r]);
            String id = ids.id(version, second, answer, firstId + r);
            answers[r] = answer;
            if (r > 0) {
                predictionIds.append(',');
            }
            predictionIds.append(id);
            if (model.regression()) {
                values[r] = answer.value();
            } else {
                labels[r] = answer.label();
                if (answer.scores() != null) {
                    System.arraycopy(answer.scores(), 0, values, r * classes, classes);
                }
            }
            if (shadow != null) {
                shadows.mirror(deployment, shadow, version, null, rows[r], answer, id, second.epochSecond());
            }
        }
        profiles.offer(version, epochSecond, rows, answers, batch);
        boolean raw = request.getRawInputContentsCount() > 0;
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder()
                .setModelName(deployment.name())
                .setModelVersion(Integer.toString(version.version()))
                .setId(request.getId())
                .putParameters("deployment", string(deployment.name()))
                .putParameters("model", string(version.model() == null ? "" : version.model()))
                .putParameters("model_version", InferParameter.newBuilder().setInt64Param(version.version()).build())
                .putParameters("prediction_ids", string(predictionIds.toString()));
        List<InferOutputTensor.Builder> outputs = new ArrayList<>();
        if (model.regression()) {
            if (wanted.isEmpty() || wanted.contains("value")) {
                InferOutputTensor.Builder value = InferOutputTensor.newBuilder().setName("value").setDatatype("FP64")
                        .addShape(batch);
                add(response, value, values, raw);
            }
        } else {
            if (wanted.isEmpty() || wanted.contains("label")) {
                InferOutputTensor.Builder label = InferOutputTensor.newBuilder().setName("label").setDatatype("BYTES")
                        .addShape(batch);
                if (raw) {
                    response.addOutputs(label).addRawOutputContents(bytes(labels));
                } else {
                    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
                    for (String text : labels) {
                        contents.addBytesContents(ByteString.copyFromUtf8(text));
                    }
                    response.addOutputs(label.setContents(contents));
                }
            }
            if (wanted.isEmpty() || wanted.contains("scores")) {
                InferOutputTensor.Builder scores = InferOutputTensor.newBuilder().setName("scores").setDatatype("FP64")
                        .addShape(batch).addShape(classes);
                add(response, scores, values, raw);
            }
        }
        return response.build();
    }

    private static void add(ModelInferResponse.Builder response, InferOutputTensor.Builder tensor, double[] values,
            boolean raw) {
        if (raw) {
            ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (double value : values) {
                buffer.putDouble(value);
            }
            buffer.flip();
            response.addOutputs(tensor).addRawOutputContents(ByteString.copyFrom(buffer));
        } else {
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            for (double value : values) {
                contents.addFp64Contents(value);
            }
            response.addOutputs(tensor.setContents(contents));
        }
    }

    private static ByteString bytes(String[] texts) {
        ByteString.Output out = ByteString.newOutput();
        ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (String text : texts) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            length.clear();
            length.putInt(utf8.length);
            out.write(length.array(), 0, 4);
            out.write(utf8, 0, utf8.length);
        }
        return out.toByteString();
    }

    private static InferParameter string(String value) {
        return InferParameter.newBuilder().setStringParam(value).build();
    }

    private Deployment deployment(String name) throws StatusException {
        if (name.isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("model_name is required").asException();
        }
        Deployment deployment = state.deployment(name);
        if (deployment == null && !state.hasApplied()) {
            throw Status.UNAVAILABLE.withDescription("this replica has not loaded its deployments yet; retry")
                    .asException();
        }
        if (deployment == null) {
            throw Status.NOT_FOUND.withDescription("no model named '" + name + "' is served here").asException();
        }
        return deployment;
    }

    private static Route route(Deployment deployment) throws StatusException {
        Route route = deployment.route();
        if (route == null) {
            throw Status.UNAVAILABLE.withDescription("model '" + deployment.name() + "' has no version ready yet")
                    .asException();
        }
        return route;
    }

    private static ServedVersion acquire(Deployment deployment, ModelInferRequest request) throws StatusException {
        if (request.getModelVersion().isEmpty()) {
            InferParameter key = request.getParametersMap().get("routing_key");
            ServedVersion version = deployment.acquire(key == null ? null : key.getStringParam());
            if (version == null) {
                throw Status.UNAVAILABLE.withDescription("model '" + deployment.name() + "' has no version ready yet")
                        .asException();
            }
            return version;
        }
        for (int attempt = 0; attempt < 16; attempt++) {
            ServedVersion version = served(route(deployment), request.getModelVersion());
            if (version == null) {
                throw notServed(deployment, request.getModelVersion());
            }
            if (version.acquire()) {
                return version;
            }
        }
        throw Status.UNAVAILABLE.withDescription("model '" + deployment.name() + "' is changing versions; retry")
                .asException();
    }

    private static ServedVersion served(Route route, String version) {
        if (Integer.toString(route.primary().version()).equals(version)) {
            return route.primary();
        }
        if (route.canary() != null && Integer.toString(route.canary().version()).equals(version)) {
            return route.canary();
        }
        return null;
    }

    private static StatusException notServed(Deployment deployment, String version) {
        return Status.NOT_FOUND.withDescription("version " + version + " of model '" + deployment.name()
                + "' is not served here").asException();
    }

    private static void checkDeadline() throws StatusException {
        Deadline deadline = Context.current().getDeadline();
        if (deadline != null && deadline.isExpired()) {
            throw Status.DEADLINE_EXCEEDED.withDescription("the call's deadline passed before it was scored").asException();
        }
    }
}
