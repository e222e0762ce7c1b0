package dev.lodestar.inference;

import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Sheds load instead of queueing it: a call arriving while {@code limit} calls are in flight (an open stream
 * counts as one) is refused at once with {@code RESOURCE_EXHAUSTED}, so callers can back off or go to
 * another replica.
 */
final class AdmissionInterceptor implements ServerInterceptor {

    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter shed;

    AdmissionInterceptor(int limit, MeterRegistry registry) {
        this.limit = limit;
        Gauge.builder("lodestar.inference.in.flight", inFlight, AtomicInteger::get)
                .description("Calls admitted and not yet answered").register(registry);
        this.shed = Counter.builder("lodestar.inference.shed").description("Calls refused because too many were in flight")
                .register(registry);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            shed.increment();
            call.close(Status.RESOURCE_EXHAUSTED.withDescription("the server has " + limit
                    + " calls in flight; retry later or elsewhere"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(call, headers);
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            throw e;
        }
        // Exactly one of onComplete and onCancel ends every started call, whoever ended it; a call's listener
        // events never run concurrently.
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            private boolean ended;

            @Override
            public void onComplete() {
                end();
                super.onComplete();
            }

            @Override
            public void onCancel() {
                end();
                super.onCancel();
            }

            private void end() {
                if (!ended) {
                    ended = true;
                    inFlight.decrementAndGet();
                }
            }
        };
    }
}
