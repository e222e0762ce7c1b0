package dev.lodestar.inference.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Admits a call only with a valid bearer token of a caller holding the required realm role, and makes the
 * caller available to the service through {@link #CALLER}.
 *
 * <p>No token or a bad one is {@code UNAUTHENTICATED}; a valid token without the role is
 * {@code PERMISSION_DENIED}. The description says which, never echoing the token.
 */
public final class BearerAuthInterceptor implements ServerInterceptor {

    /** The authenticated caller of the current call. */
    public static final Context.Key<Caller> CALLER = Context.key("lodestar-caller");

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private final TokenVerifier verifier;
    private final String requiredRole;

    public BearerAuthInterceptor(TokenVerifier verifier, String requiredRole) {
        this.verifier = verifier;
        this.requiredRole = requiredRole;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("a bearer token is required (authorization: Bearer <token>)"));
        }
        Caller caller;
        try {
            caller = verifier.verify(authorization.substring(BEARER.length()).trim());
        } catch (InvalidTokenException e) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(e.getMessage()));
        }
        if (!caller.roles().contains(requiredRole)) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription("role '" + requiredRole + "' is required"));
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
