package dev.lodestar.web;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the admin pages. */
@ConfigMapping(prefix = "lodestar.admin")
public interface AdminConfig {

    /** The shortest form key accepted (the login state cookie's encryption needs at least this much). */
    int MIN_FORM_KEY_LENGTH = 16;

    /**
     * Secret that signs the admin's form tokens and encrypts the login's state cookie, at least
     * {@value #MIN_FORM_KEY_LENGTH} characters. When unset, each gateway process draws its own at start, which is
     * right for one replica; set the same value on every replica behind one address, or a form or login begun on
     * one replica fails on another.
     */
    Optional<String> formKey();

    /**
     * Whether the admin's session cookies are marked {@code Secure} (sent over HTTPS only) and answers carry
     * {@code Strict-Transport-Security}. Off by default so the admin works on {@code http://localhost}; turn it
     * on in production, where the gateway is reached through TLS.
     */
    @WithDefault("false")
    boolean secureCookies();

    /**
     * How long the admin trusts a check that Keycloak answers (or does not) before checking again, when a user
     * without a session asks for a page and would be sent to Keycloak's login.
     */
    @WithDefault("5s")
    Duration signInCheckEvery();
}
