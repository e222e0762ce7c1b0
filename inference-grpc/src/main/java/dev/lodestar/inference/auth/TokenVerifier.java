package dev.lodestar.inference.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.VerificationKeyResolver;

/**
 * Verifies Keycloak access tokens: signature against the realm's keys, issuer, audience, expiry, and that
 * the token is an access token ({@code typ} Bearer), not an ID or refresh token.
 *
 * <p>A verified token is remembered until it expires, so a client sending the same token on every call pays
 * for the signature check once. The memory is bounded: past {@value #MAX_REMEMBERED} tokens, expired ones
 * are dropped, and if that is not enough, all of them.
 */
public final class TokenVerifier {

    static final int MAX_REMEMBERED = 10_000;

    private final JwtConsumer consumer;
    private final Clock clock;
    private final Map<String, Caller> verified = new ConcurrentHashMap<>();

    public TokenVerifier(VerificationKeyResolver keys, String issuer, String audience, Clock clock) {
        this.clock = clock;
        this.consumer = new JwtConsumerBuilder()
                .setVerificationKeyResolver(keys)
                .setExpectedIssuer(issuer)
                .setExpectedAudience(audience)
                .setRequireExpirationTime()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(30)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_USING_SHA384,
                        AlgorithmIdentifiers.RSA_USING_SHA512, AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                        AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384)
                .build();
    }

    /** The caller a token stands for, or why it is refused. */
    public Caller verify(String token) throws InvalidTokenException {
        Instant now = clock.instant();
        Caller remembered = verified.get(token);
        if (remembered != null) {
            if (remembered.expiresAt().isAfter(now)) {
                return remembered;
            }
            verified.remove(token);
            throw new InvalidTokenException("the token has expired");
        }
        Caller caller = check(token);
        if (!caller.expiresAt().isAfter(now)) {
            throw new InvalidTokenException("the token has expired");
        }
        remember(token, caller, now);
        return caller;
    }

    private Caller check(String token) throws InvalidTokenException {
        try {
            JwtClaims claims = consumer.processToClaims(token);
            if (!"Bearer".equals(claims.getClaimValueAsString("typ"))) {
                throw new InvalidTokenException("not an access token (typ " + claims.getClaimValueAsString("typ") + ")");
            }
            String name = claims.getClaimValueAsString("preferred_username");
            return new Caller(claims.getSubject(), name == null ? claims.getSubject() : name, realmRoles(claims),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue()));
        } catch (InvalidJwtException e) {
            throw new InvalidTokenException(reason(e));
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException("malformed claim: " + e.getMessage());
        }
    }

    private void remember(String token, Caller caller, Instant now) {
        if (verified.size() >= MAX_REMEMBERED) {
            verified.values().removeIf(c -> !c.expiresAt().isAfter(now));
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
        }
        verified.put(token, caller);
    }

    private static Set<String> realmRoles(JwtClaims claims) {
        Set<String> roles = new HashSet<>();
        if (claims.getClaimValue("realm_access") instanceof Map<?, ?> access
                && access.get("roles") instanceof List<?> list) {
            list.forEach(role -> roles.add(String.valueOf(role)));
        }
        return Set.copyOf(roles);
    }

    private static String reason(InvalidJwtException e) {
        if (e.hasExpired()) {
            return "the token has expired";
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "the token is not meant for Lodestar (audience)";
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "the token comes from another issuer";
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || e.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
            return "the token's signature is invalid";
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return "the token is not valid yet";
        }
        return "the token could not be verified";
    }
}
