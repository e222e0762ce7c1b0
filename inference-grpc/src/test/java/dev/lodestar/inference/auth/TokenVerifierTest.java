package dev.lodestar.inference.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;

/**
 * The checks a token must pass, on tokens signed here with the realm's kind of key (RS256), so that every
 * way of being wrong can be produced. The same verifier against real Keycloak tokens is in the server's IT.
 */
class TokenVerifierTest {

    static final String ISSUER = "http://localhost:8180/realms/lodestar";

    final RsaJsonWebKey realmKey = key("realm-key");
    final MutableClock clock = new MutableClock(Instant.now());
    final TokenVerifier verifier = new TokenVerifier(new JwksVerificationKeyResolver(List.of(realmKey)), ISSUER, "lodestar", clock);

    @Test
    void aValidAccessTokenGivesTheCallerAndRoles() throws Exception {
        Caller caller = verifier.verify(sign(realmKey, claims()));

        assertThat(caller.subject()).isEqualTo("sub-1");
        assertThat(caller.name()).isEqualTo("svc");
        assertThat(caller.roles()).containsExactly("predictor");
    }

    @Test
    void expiredTokensAreRefused() {
        JwtClaims claims = claims();
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().minusSeconds(120).getEpochSecond()));

        assertThatThrownBy(() -> verifier.verify(sign(realmKey, claims))).hasMessage("the token has expired");
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpires() throws Exception {
        JwtClaims claims = claims();
        claims.setExpirationTime(NumericDate.fromSeconds(clock.instant().plusSeconds(60).getEpochSecond()));
        String token = sign(realmKey, claims);
        assertThat(verifier.verify(token)).isSameAs(verifier.verify(token));

        clock.advance(Duration.ofSeconds(61));

        assertThatThrownBy(() -> verifier.verify(token)).hasMessage("the token has expired");
    }

    @Test
    void tokensForAnotherAudienceOrFromAnotherIssuerAreRefused() {
        JwtClaims otherAudience = claims();
        otherAudience.setAudience("account");
        JwtClaims otherIssuer = claims();
        otherIssuer.setIssuer("http://localhost:8180/realms/master");

        assertThatThrownBy(() -> verifier.verify(sign(realmKey, otherAudience))).hasMessageContaining("audience");
        assertThatThrownBy(() -> verifier.verify(sign(realmKey, otherIssuer))).hasMessageContaining("another issuer");
    }

    @Test
    void idAndRefreshTokensAreNotAccessTokens() {
        JwtClaims idToken = claims();
        idToken.setClaim("typ", "ID");

        assertThatThrownBy(() -> verifier.verify(sign(realmKey, idToken))).hasMessageContaining("not an access token");
    }

    @Test
    void tamperedAndForeignlySignedTokensAreRefused() throws Exception {
        String genuine = sign(realmKey, claims());
        String[] parts = genuine.split("\\.");
        JwtClaims escalated = claims();
        escalated.setStringListClaim("roles", List.of("admin"));
        String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(escalated.toJson().getBytes()) + "." + parts[2];
        RsaJsonWebKey attacker = key("realm-key");

        assertThatThrownBy(() -> verifier.verify(tampered)).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> verifier.verify(sign(attacker, claims()))).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> verifier.verify("not-a-jwt")).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void unsignedTokensAreRefused() {
        JsonWebSignature unsigned = new JsonWebSignature();
        unsigned.setPayload(claims().toJson());
        unsigned.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
        unsigned.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);

        assertThatThrownBy(() -> verifier.verify(unsigned.getCompactSerialization())).isInstanceOf(InvalidTokenException.class);
    }

    static JwtClaims claims() {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience("lodestar");
        claims.setSubject("sub-1");
        claims.setClaim("typ", "Bearer");
        claims.setClaim("preferred_username", "svc");
        claims.setClaim("realm_access", Map.of("roles", List.of("predictor")));
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setIssuedAtToNow();
        return claims;
    }

    static String sign(RsaJsonWebKey key, JwtClaims claims) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    static RsaJsonWebKey key(String id) {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(id);
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
