package dev.lodestar.identity;

import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;
import io.quarkus.security.identity.SecurityIdentity;

/** The actor of the current request, from the security identity Quarkus OIDC established. */
@RequestScoped
public class CurrentActor {

    private final SecurityIdentity identity;

    CurrentActor(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The authenticated actor; an anonymous request is refused with {@code UNAUTHENTICATED}. */
    public Actor get() {
        if (identity.isAnonymous()) {
            throw new ApiException(ErrorCode.UNAUTHENTICATED, "authentication required: send a bearer token");
        }
        String subject = identity.getPrincipal().getName();
        String name = subject;
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            subject = token.getSubject() == null ? subject : token.getSubject();
            String username = token.getClaim("preferred_username");
            name = username == null ? subject : username;
        }
        return new Actor(subject, name, Set.copyOf(new TreeSet<>(identity.getRoles())));
    }
}
