package dev.lodestar.mlflow;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/**
 * Authenticates MLflow requests before anything else, so a missing or invalid bearer token gets MLflow's
 * {@code UNAUTHENTICATED} body (with a {@code WWW-Authenticate: Bearer} challenge) rather than Quarkus's empty 401.
 * The token is the one every Lodestar API takes; roles are checked afterwards, per endpoint.
 */
public class MlflowAuthentication {

    private final CurrentIdentityAssociation identity;

    MlflowAuthentication(CurrentIdentityAssociation identity) {
        this.identity = identity;
    }

    /** Runs before resource matching, hence before the role checks. */
    @ServerRequestFilter(preMatching = true)
    public Uni<Response> requireToken(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith(MlflowErrorFormat.PREFIX)) {
            return Uni.createFrom().nullItem();
        }
        return identity.getDeferredIdentity()
                .map(caller -> caller.isAnonymous() ? unauthenticated() : null)
                .onFailure(AuthenticationFailedException.class).recoverWithItem(MlflowAuthentication::unauthenticated);
    }

    private static Response unauthenticated() {
        return Response.fromResponse(MlflowErrorCode.UNAUTHENTICATED.render("authentication required: send a valid bearer token"))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }
}
