package io.tollgate.identity.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tollgate.platform.SecretHasher;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * End users' access tokens: JWT HS256 with claims sub (user), app, sid (session), iat, exp. Checking
 * one is an HMAC and a small JSON parse, a few microseconds, with no query. The key is derived from
 * the pepper, so every node sharing TOLLGATE_KEY_PEPPER signs and verifies alike with no new secret.
 */
@Component
class AccessTokens {
    /** A real token is about 300 characters; anything far longer is refused before parsing. */
    static final int MAX_TOKEN_CHARS = 2_048;
    static final String SIGNING_KEY_LABEL = "tollgate:jwt-signing-key";
    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Clock clock;
    private final long ttlSeconds;

    record Claims(String userId, String appId, String sessionId, Instant expiresAt) {}

    AccessTokens(SecretHasher hasher, Clock clock, @Value("${tollgate.identity.access-token-ttl-seconds}") long ttlSeconds)
            throws JOSEException {
        if (ttlSeconds < 30 || ttlSeconds > 86_400) {
            throw new IllegalStateException("TOLLGATE_ACCESS_TOKEN_TTL_SECONDS must be between 30 and 86400");
        }
        byte[] key = hasher.hash(SIGNING_KEY_LABEL);
        this.signer = new MACSigner(key);
        this.verifier = new MACVerifier(key);
        this.clock = clock;
        this.ttlSeconds = ttlSeconds;
    }

    long ttlSeconds() {
        return ttlSeconds;
    }

    String mint(String userId, String appId, String sessionId) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(userId).claim("app", appId).claim("sid", sessionId)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(ttlSeconds))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign an access token", e);
        }
        return jwt.serialize();
    }

    /** Signature, algorithm, shape and expiry; empty for anything else. Session and user are the caller's checks. */
    Optional<Claims> verify(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) return Optional.empty();
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            // Only the algorithm we sign with: never "none", never a public-key algorithm keyed with our secret.
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) return Optional.empty();
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date exp = claims.getExpirationTime();
            String sub = claims.getSubject();
            String app = claims.getStringClaim("app");
            String sid = claims.getStringClaim("sid");
            if (exp == null || sub == null || app == null || sid == null) return Optional.empty();
            if (!exp.toInstant().isAfter(clock.instant())) return Optional.empty();
            return Optional.of(new Claims(sub, app, sid, exp.toInstant()));
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether the token would verify but for its expiry: lets the error say "expired", which helps clients refresh. */
    boolean expired(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            Date exp = jwt.getJWTClaimsSet().getExpirationTime();
            return JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) && jwt.verify(verifier)
                    && exp != null && !exp.toInstant().isAfter(clock.instant());
        } catch (ParseException | JOSEException | RuntimeException e) {
            return false;
        }
    }
}
