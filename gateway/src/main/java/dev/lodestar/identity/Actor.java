package dev.lodestar.identity;

import java.util.Set;

/**
 * Who performs a request, from their verified token.
 *
 * @param subject the token subject, stable across renames
 * @param name    the user name ({@code preferred_username}), shown to people
 * @param roles   the realm roles the token carries
 */
public record Actor(String subject, String name, Set<String> roles) {

    /** Lodestar itself, for changes no person made: a registration finishing, a request expiring. */
    public static final Actor SYSTEM = new Actor("lodestar", "system", Set.of());
}
