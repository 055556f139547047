package io.tollgate.identity.internal;

import io.tollgate.platform.Ids;
import io.tollgate.platform.SecretHasher;
import io.tollgate.platform.TokenCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The two single-use secrets of a social sign-in, both stored only as HMAC(pepper, value):
 * <ol>
 * <li>the {@code state} Tollgate sends to the provider, bound to the app, the provider, the app's
 *     redirect URI and the app's PKCE challenge. Tollgate's own PKCE verifier and the OIDC nonce are
 *     HMACs of the state, so nothing that would complete the sign-in is stored;</li>
 * <li>the one-time {@code code} handed to the app's redirect URI, holding what the provider proved
 *     until the app exchanges it with its PKCE verifier.</li>
 * </ol>
 * Spending either is a conditional update, so a replay (or a race of two) finds nothing the second time.
 */
@Component
class OAuthAttempts {
    static final String STATE_PREFIX = "tg_os_";
    static final String CODE_PREFIX = "tg_oc_";
    private final JdbcClient jdbc;
    private final SecretHasher hasher;
    private final Clock clock;

    /** A started sign-in, as stored. */
    record Started(String id, String appId, ProviderKind kind, String redirectUri, String callbackUri, String appState,
                   String codeChallenge) {}

    /** What a provider proved, waiting for the app. */
    record Grant(String appId, ProviderKind kind, String redirectUri, String codeChallenge, IdentityStore.ProviderAccount account) {}

    /** What {@link #start} needs to know about the app's side. */
    record AppSide(String appId, ProviderKind kind, String redirectUri, String callbackUri, String appState, String codeChallenge) {}

    OAuthAttempts(JdbcClient jdbc, SecretHasher hasher, Clock clock) {
        this.jdbc = jdbc;
        this.hasher = hasher;
        this.clock = clock;
    }

    /** Stores a new attempt; returns its state (the only copy). */
    String start(AppSide app, Duration ttl) {
        String state = TokenCodec.generate(STATE_PREFIX);
        jdbc.sql("""
                INSERT INTO oauth_states (id, state_hash, app_id, provider, redirect_uri, callback_uri, app_state, code_challenge, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(Ids.next("ost"), hasher.hash(state), app.appId(), app.kind().id(), app.redirectUri(), app.callbackUri(),
                        app.appState(), app.codeChallenge(), Timestamp.from(clock.instant().plus(ttl))).update();
        return state;
    }

    /** Spends a state; empty when unknown, spent or expired. The caller checks the provider. */
    Optional<Started> spendState(String state) {
        if (!TokenCodec.wellFormed(STATE_PREFIX, state)) return Optional.empty();
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.sql("""
                UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND used_at IS NULL AND expires_at > ?
                RETURNING id, app_id, provider, redirect_uri, callback_uri, app_state, code_challenge""")
                .params(now, hasher.hash(state), now)
                .query((rs, i) -> new Started(rs.getString(1), rs.getString(2), ProviderKind.of(rs.getString(3)).orElseThrow(),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7))).optional();
    }

    /** Tollgate's PKCE verifier for the provider leg: 43 characters of base64url, as RFC 7636 asks. */
    String verifierOf(String state) {
        return base64Url(hasher.hash("tollgate:oauth-pkce:" + state));
    }

    String nonceOf(String state) {
        return base64Url(hasher.hash("tollgate:oauth-nonce:" + state));
    }

    /** RFC 7636 S256: BASE64URL(SHA256(ASCII(verifier))). */
    static String challengeOf(String verifier) {
        try {
            return base64Url(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps what the provider proved for the app; returns the one-time code. */
    String grant(Started started, IdentityStore.ProviderAccount account, Duration ttl) {
        String code = TokenCodec.generate(CODE_PREFIX);
        jdbc.sql("""
                INSERT INTO oauth_grants (id, code_hash, app_id, provider, redirect_uri, code_challenge, subject, email, email_verified,
                  expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(Ids.next("ogr"), hasher.hash(code), started.appId(), started.kind().id(), started.redirectUri(),
                        started.codeChallenge(), account.subject(), account.email(), account.emailVerified(),
                        Timestamp.from(clock.instant().plus(ttl))).update();
        return code;
    }

    /** Spends a code of this app; empty (and nothing spent) when unknown, spent, expired or another app's. */
    Optional<Grant> spendGrant(String appId, String code) {
        if (!TokenCodec.wellFormed(CODE_PREFIX, code)) return Optional.empty();
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.sql("""
                UPDATE oauth_grants SET used_at = ? WHERE code_hash = ? AND app_id = ? AND used_at IS NULL AND expires_at > ?
                RETURNING provider, redirect_uri, code_challenge, subject, email, email_verified""")
                .params(now, hasher.hash(code), appId, now)
                .query((rs, i) -> {
                    ProviderKind kind = ProviderKind.of(rs.getString(1)).orElseThrow();
                    return new Grant(appId, kind, rs.getString(2), rs.getString(3),
                            new IdentityStore.ProviderAccount(kind, rs.getString(4), rs.getString(5), rs.getBoolean(6)));
                }).optional();
    }

    static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
