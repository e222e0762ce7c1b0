package dev.lodestar.inference;

import com.google.protobuf.InvalidProtocolBufferException;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * What a caller with a bad request is told, whatever the service:
 * <ul>
 * <li>a request whose bytes are not a valid message of the method's type (truncated, corrupted, a string field
 * that is not UTF-8) is {@code INVALID_ARGUMENT}, not grpc-java's {@code UNKNOWN} "Application error";</li>
 * <li>a status description is cut to {@value #MAX_DESCRIPTION} characters, so a description that quotes a
 * caller's megabyte-long name neither travels back whole nor overflows the caller's header limit (8 KiB in
 * grpc-java), which would turn a clear refusal into a transport error.</li>
 * </ul>
 */
final class ClientErrorsInterceptor implements ServerInterceptor {

    static final int MAX_DESCRIPTION = 500;

    /**
     * {@code service} with its requests parsed inside this interceptor, so a malformed one can be answered; the
     * service's own interceptors still see typed messages.
     */
    static ServerServiceDefinition wrap(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(ServerInterceptors.useInputStreamMessages(service), new ClientErrorsInterceptor());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall<Q, R> cutting = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                super.close(cut(status), trailers);
            }
        };
        ServerCall.Listener<Q> listener = next.startCall(cutting, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            private boolean closed;

            @Override
            public void onMessage(Q message) {
                if (closed) {
                    return;
                }
                try {
                    super.onMessage(message);
                } catch (StatusRuntimeException e) {
                    if (!(e.getCause() instanceof InvalidProtocolBufferException)) {
                        throw e;
                    }
                    closed = true;
                    cutting.close(Status.INVALID_ARGUMENT.withDescription("the request is not a valid "
                            + call.getMethodDescriptor().getFullMethodName() + " request: " + e.getCause().getMessage()),
                            new Metadata());
                }
            }

            @Override
            public void onHalfClose() {
                if (!closed) {
                    super.onHalfClose();
                }
            }
        };
    }

    static Status cut(Status status) {
        String description = status.getDescription();
        if (description == null || description.length() <= MAX_DESCRIPTION) {
            return status;
        }
        int end = Character.isHighSurrogate(description.charAt(MAX_DESCRIPTION - 1)) ? MAX_DESCRIPTION - 1 : MAX_DESCRIPTION;
        return status.withDescription(description.substring(0, end) + "... (" + description.length()
                + " characters, cut)");
    }
}
