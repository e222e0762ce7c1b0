package dev.lodestar.web;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

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
}
