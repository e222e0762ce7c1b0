package dev.lodestar.faults;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.EquivalentAddressGroup;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * A client channel over several inference replicas, set up the way the README tells clients to: a fixed list of
 * addresses, round robin over the replicas the health service calls SERVING, and retries of calls answered
 * {@code UNAVAILABLE} (a replica gone or not ready) on another replica. Counts calls that needed more than one
 * attempt.
 */
final class ReplicaChannel {

    /** The service config: the same JSON the README shows, as grpc-java takes it. */
    static final Map<String, Object> SERVICE_CONFIG = Map.of(
            "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
            "healthCheckConfig", Map.of("serviceName", "lodestar.inference.v1.Inference"),
            "methodConfig", List.of(Map.of(
                    "name", List.of(Map.of("service", "lodestar.inference.v1.Inference")),
                    "timeout", "10s",
                    "retryPolicy", Map.of(
                            "maxAttempts", 5.0,
                            "initialBackoff", "0.05s",
                            "maxBackoff", "1s",
                            "backoffMultiplier", 2.0,
                            "retryableStatusCodes", List.of("UNAVAILABLE")))));

    private static final AtomicInteger NAMES = new AtomicInteger();

    /** Calls that succeeded after a failed attempt. */
    final AtomicLong recovered = new AtomicLong();

    private final ManagedChannel channel;

    /** A channel over the replicas listening on loopback at {@code ports}, calling with {@code token}'s bearer token. */
    ReplicaChannel(List<Integer> ports, Supplier<String> token) {
        String scheme = "lodestar-replicas-" + NAMES.incrementAndGet();
        List<EquivalentAddressGroup> addresses = ports.stream()
                .map(port -> new EquivalentAddressGroup(new InetSocketAddress("127.0.0.1", port))).toList();
        NameResolverRegistry.getDefaultRegistry().register(new FixedAddresses(scheme, addresses));
        channel = NettyChannelBuilder.forTarget(scheme + ":///inference").usePlaintext()
                .defaultServiceConfig(SERVICE_CONFIG).enableRetry()
                .intercept(new Bearer(token), new AttemptCounter(recovered))
                .build();
    }

    Channel channel() {
        return channel;
    }

    void close() {
        channel.shutdownNow();
    }

    /** Resolves a made-up scheme to a fixed list of addresses. */
    private static final class FixedAddresses extends NameResolverProvider {
        private final String scheme;
        private final List<EquivalentAddressGroup> addresses;

        FixedAddresses(String scheme, List<EquivalentAddressGroup> addresses) {
            this.scheme = scheme;
            this.addresses = addresses;
        }

        @Override
        public NameResolver newNameResolver(URI target, NameResolver.Args args) {
            if (!scheme.equals(target.getScheme())) {
                return null;
            }
            return new NameResolver() {
                @Override
                public String getServiceAuthority() {
                    return "inference";
                }

                @Override
                public void start(Listener2 listener) {
                    listener.onResult(ResolutionResult.newBuilder().setAddresses(addresses).build());
                }

                @Override
                public void shutdown() {
                }
            };
        }

        @Override
        public String getDefaultScheme() {
            return scheme;
        }

        @Override
        protected boolean isAvailable() {
            return true;
        }

        @Override
        protected int priority() {
            return 5;
        }
    }

    private record Bearer(Supplier<String> token) implements ClientInterceptor {
        private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<A> listener, Metadata headers) {
                    headers.put(AUTHORIZATION, "Bearer " + token.get());
                    super.start(listener, headers);
                }
            };
        }
    }

    /** Counts the attempts of each call (one stream each) and notes calls that succeeded on a later attempt. */
    private record AttemptCounter(AtomicLong recovered) implements ClientInterceptor {
        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            AtomicInteger attempts = new AtomicInteger();
            ClientStreamTracer.Factory factory = new ClientStreamTracer.Factory() {
                @Override
                public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
                    attempts.incrementAndGet();
                    return new ClientStreamTracer() {
                    };
                }
            };
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options.withStreamTracerFactory(factory))) {
                @Override
                public void start(Listener<A> listener, Metadata headers) {
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            if (status.isOk() && attempts.get() > 1) {
                                recovered.incrementAndGet();
                            }
                            super.onClose(status, trailers);
                        }
                    }, headers);
                }
            };
        }
    }
}
