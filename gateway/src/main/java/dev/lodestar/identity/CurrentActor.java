package dev.lodestar.identity;

import java.util.Collections;
import java.util.Optional;
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
    private Actor acting;

    CurrentActor(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The authenticated actor; an anonymous request is refused with {@code UNAUTHENTICATED}. */
    public Actor get() {
        return find().orElseThrow(() -> new ApiException(ErrorCode.UNAUTHENTICATED, "authentication required: send a bearer token"));
    }

    /** The authenticated actor, if the request has one. */
    public Optional<Actor> find() {
        if (acting != null) {
            return Optional.of(acting);
        }
        if (identity.isAnonymous()) {
            return Optional.empty();
        }
        String subject = identity.getPrincipal().getName();
        String name = subject;
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            subject = token.getSubject() == null ? subject : token.getSubject();
            String username = token.getClaim("preferred_username");
            name = username == null ? subject : username;
        }
        return Optional.of(new Actor(subject, name, Collections.unmodifiableSet(new TreeSet<>(identity.getRoles()))));
    }

    /**
     * Makes the rest of this request context act as {@code actor}: for work Lodestar does itself outside any
     * request (a background job), so the services it calls record it as their actor.
     */
    public void actAs(Actor actor) {
        this.acting = actor;
    }
}
