package dev.lodestar.web;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Settings of the admin pages. */
@ConfigMapping(prefix = "lodestar.admin")
public interface AdminConfig {

    /**
     * Secret that signs the admin's form tokens. When unset, each gateway process draws its own at start, which
     * is right for one replica; set the same value on every replica behind one address.
     */
    Optional<String> formKey();
}
