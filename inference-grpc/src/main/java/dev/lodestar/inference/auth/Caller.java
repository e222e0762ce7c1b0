package dev.lodestar.inference.auth;

import java.time.Instant;
import java.util.Set;

/**
 * An authenticated caller, from a verified token.
 *
 * @param subject   the token's {@code sub}
 * @param name      the token's {@code preferred_username}, or the subject when absent
 * @param roles     realm roles ({@code realm_access.roles})
 * @param expiresAt when the token stops being valid
 */
public record Caller(String subject, String name, Set<String> roles, Instant expiresAt) {
}
