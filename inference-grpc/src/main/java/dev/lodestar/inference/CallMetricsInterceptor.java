package dev.lodestar.inference;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Counts and times every call by method and status code ({@code lodestar_inference_calls_seconds}). Timers are
 * looked up once per method and code, then reused.
 */
final class CallMetricsInterceptor implements ServerInterceptor {

    private final MeterRegistry registry;
    private final Map<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();

    CallMetricsInterceptor(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        long started = System.nanoTime();
        String bare = call.getMethodDescriptor().getBareMethodName();
        String method = bare == null ? "unknown" : bare;
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                timer(method, status.getCode()).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                super.close(status, trailers);
            }
        }, headers);
    }

    private Timer timer(String method, Status.Code code) {
        AtomicReferenceArray<Timer> byCode = timers.computeIfAbsent(method,
                m -> new AtomicReferenceArray<>(Status.Code.values().length));
        Timer timer = byCode.get(code.ordinal());
        if (timer == null) {
            timer = Timer.builder("lodestar.inference.calls").tag("method", method).tag("code", code.name())
                    .register(registry);
            byCode.set(code.ordinal(), timer);
        }
        return timer;
    }
}
