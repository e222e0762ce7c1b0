package dev.lodestar.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;
import dev.lodestar.identity.Actor;
import dev.lodestar.identity.CurrentActor;
import io.quarkus.runtime.Startup;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Cross-site request protection for the admin's forms. Every form carries a hidden {@code csrf} field holding an
 * HMAC, under a server secret, of the logged-in user's subject and of their Keycloak session ({@code sid} claim);
 * a POST is accepted only with the token of the user and session that send it. A page from another site cannot
 * read the token, so it cannot forge a form; a form captured from one user does not work for another, nor one
 * captured from a session after that session has ended. Every gateway replica with the same
 * {@link AdminConfig#formKey()} accepts the same tokens. {@link SameOriginPosts} adds the browser's Origin check
 * on top.
 *
 * <p>Created at start, so a form key too short to use stops the gateway there with a message naming the setting.
 */
@ApplicationScoped
@Startup
public class FormTokens {

    /** Name of the hidden field every admin form carries. */
    public static final String FIELD = "csrf";

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final CurrentActor actor;
    private final SecurityIdentity identity;

    FormTokens(AdminConfig config, CurrentActor actor, SecurityIdentity identity) {
        config.formKey().filter(k -> k.length() < AdminConfig.MIN_FORM_KEY_LENGTH).ifPresent(k -> {
            throw new IllegalStateException("lodestar.admin.form-key (LODESTAR_ADMIN_FORM_KEY) is " + k.length()
                    + " characters long; it must have at least " + AdminConfig.MIN_FORM_KEY_LENGTH
                    + " (a random value shared by every gateway replica, e.g. from `openssl rand -base64 24`)");
        });
        byte[] secret = config.formKey().map(k -> k.getBytes(StandardCharsets.UTF_8)).orElseGet(() -> {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return random;
        });
        this.key = new SecretKeySpec(secret, ALGORITHM);
        this.actor = actor;
        this.identity = identity;
    }

    /** The token the current user's forms carry. */
    public String current() {
        return tokenOf(actor.get());
    }

    /** Refuses the request with {@code FORBIDDEN} unless {@code token} is the current user's form token. */
    public void check(String token) {
        byte[] expected = tokenOf(actor.get()).getBytes(StandardCharsets.US_ASCII);
        byte[] given = token == null ? new byte[0] : token.getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new ApiException(ErrorCode.FORBIDDEN,
                    "this form was not issued to you by this page (it is stale, was copied, or came from another site); reload the page and try again");
        }
    }

    private String tokenOf(Actor user) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(user.subject().getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(sessionOf().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The Keycloak session the user logged in with; empty for a token that names none. */
    private String sessionOf() {
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            Object sid = token.getClaim("sid");
            return sid == null ? "" : sid.toString();
        }
        return "";
    }
}
