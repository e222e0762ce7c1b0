package dev.lodestar.inference;

import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.inference.v1.ListDeploymentsRequest;
import dev.lodestar.inference.v1.ListDeploymentsResponse;
import dev.lodestar.inference.v1.PredictRequest;
import dev.lodestar.inference.v1.PredictResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * {@code lodestar.inference.v1.Inference}. The server holds no deployment until the control plane hands it
 * one, so every well-formed prediction is answered {@code NOT_FOUND} for now.
 */
final class InferenceService extends InferenceGrpc.InferenceImplBase {

    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> responses) {
        if (request.getDeployment().isBlank()) {
            responses.onError(Status.INVALID_ARGUMENT.withDescription("deployment is required").asRuntimeException());
            return;
        }
        responses.onError(Status.NOT_FOUND
                .withDescription("no deployment named '" + request.getDeployment() + "' is served here")
                .asRuntimeException());
    }

    @Override
    public void listDeployments(ListDeploymentsRequest request, StreamObserver<ListDeploymentsResponse> responses) {
        responses.onNext(ListDeploymentsResponse.getDefaultInstance());
        responses.onCompleted();
    }
}
