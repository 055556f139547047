package io.tollgate.identity.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.SecretHasher;
import io.tollgate.platform.TokenCodec;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Sign-in sessions and their refresh tokens. A session is a refresh-token family: each refresh marks
 * the presented token used and issues the next one in the same session; a used token presented again
 * means two parties hold the family (one of them a thief), so the whole session is revoked. Access
 * tokens name their session, and {@link #active} answers from memory whether it still stands. Methods
 * that write run in the caller's transaction.
 */
@Component
class Sessions {
    static final String CACHE_TOPIC = "auth_session";
    static final String REFRESH_PREFIX = "tg_rt_";
    /** Every sign-in opens a session; past this many a user's oldest active sessions are revoked. */
    static final int MAX_ACTIVE_PER_USER = 100;

    private final JdbcClient jdbc;
    private final SecretHasher hasher;
    private final CacheInvalidation invalidation;
    private final Clock clock;
    private final Duration refreshTtl;
    private final Cache<String, Boolean> active;

    record Issued(String sessionId, String refreshToken) {}

    record SessionRef(String sessionId, String appId, String userId) {}

    sealed interface Rotation {
        record Rotated(String userId, String sessionId, String refreshToken) implements Rotation {}
        record Reused(String sessionId) implements Rotation {}
        record Invalid() implements Rotation {}
    }

    Sessions(JdbcClient jdbc, SecretHasher hasher, CacheInvalidation invalidation, Clock clock,
             @Value("${tollgate.identity.refresh-token-ttl-days}") int refreshTtlDays,
             @Value("${tollgate.identity.cache-max-entries}") long maxEntries) {
        if (refreshTtlDays < 1 || refreshTtlDays > 365) {
            throw new IllegalStateException("TOLLGATE_REFRESH_TOKEN_TTL_DAYS must be between 1 and 365");
        }
        this.jdbc = jdbc;
        this.hasher = hasher;
        this.invalidation = invalidation;
        this.clock = clock;
        this.refreshTtl = Duration.ofDays(refreshTtlDays);
        this.active = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(Duration.ofMinutes(10)).build();
        invalidation.subscribe(CACHE_TOPIC, active::invalidate, active::invalidateAll);
    }

    Issued open(String appId, String userId) {
        String sessionId = Ids.next("ses");
        jdbc.sql("INSERT INTO auth_sessions (id, app_id, end_user_id) VALUES (?, ?, ?)").params(sessionId, appId, userId).update();
        List<String> excess = jdbc.sql("""
                SELECT id FROM auth_sessions WHERE end_user_id = ? AND status = 'active'
                ORDER BY created_at DESC, id DESC OFFSET ?""").params(userId, MAX_ACTIVE_PER_USER).query(String.class).list();
        excess.forEach(id -> revoke(id, "session_limit"));
        return new Issued(sessionId, issueRefreshToken(sessionId));
    }

    private String issueRefreshToken(String sessionId) {
        String token = TokenCodec.generate(REFRESH_PREFIX);
        jdbc.sql("INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at) VALUES (?, ?, ?, ?)")
                .params(Ids.next("rtk"), sessionId, hasher.hash(token), Timestamp.from(clock.instant().plus(refreshTtl))).update();
        return token;
    }

    /** The caller's transaction must commit even for {@link Rotation.Reused}: the revocation is the point. */
    Rotation rotate(String appId, String refreshToken) {
        if (!TokenCodec.wellFormed(REFRESH_PREFIX, refreshToken)) return new Rotation.Invalid();
        record Row(String tokenId, String tokenStatus, Instant expiresAt, String sessionId, String appId, String userId,
                   String sessionStatus) {}
        Optional<Row> found = jdbc.sql("""
                SELECT t.id, t.status, t.expires_at, s.id, s.app_id, s.end_user_id, s.status
                FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
                WHERE t.token_hash = ? FOR UPDATE OF t, s""").param(hasher.hash(refreshToken))
                .query((rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7))).optional();
        // Another app's token is not evidence of theft from this family: it simply is not valid here.
        if (found.isEmpty() || !found.get().appId().equals(appId)) return new Rotation.Invalid();
        Row row = found.get();
        if (!row.expiresAt().isAfter(clock.instant())) return new Rotation.Invalid();
        if ("used".equals(row.tokenStatus())) {
            revoke(row.sessionId(), "refresh_token_reused");
            return new Rotation.Reused(row.sessionId());
        }
        if (!"active".equals(row.tokenStatus()) || !"active".equals(row.sessionStatus())) return new Rotation.Invalid();
        jdbc.sql("UPDATE refresh_tokens SET status = 'used', used_at = now() WHERE id = ?").param(row.tokenId()).update();
        return new Rotation.Rotated(row.userId(), row.sessionId(), issueRefreshToken(row.sessionId()));
    }

    /** The session a refresh token belongs to, whatever its state (logout accepts spent tokens too). */
    Optional<SessionRef> sessionOf(String refreshToken) {
        if (!TokenCodec.wellFormed(REFRESH_PREFIX, refreshToken)) return Optional.empty();
        return jdbc.sql("""
                SELECT s.id, s.app_id, s.end_user_id FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
                WHERE t.token_hash = ?""").param(hasher.hash(refreshToken))
                .query((rs, i) -> new SessionRef(rs.getString(1), rs.getString(2), rs.getString(3))).optional();
    }

    /** Whether access tokens naming this session still work; answered from memory in steady state. */
    boolean active(String sessionId) {
        return active.get(sessionId, id -> jdbc.sql("SELECT status = 'active' FROM auth_sessions WHERE id = ?").param(id)
                .query(Boolean.class).optional().orElse(false));
    }

    /** Ends the family: its refresh tokens stop at once, its access tokens on every node at commit. */
    boolean revoke(String sessionId, String reason) {
        int updated = jdbc.sql("""
                UPDATE auth_sessions SET status = 'revoked', revoked_reason = ?, revoked_at = now()
                WHERE id = ? AND status = 'active'""").params(reason, sessionId).update();
        jdbc.sql("UPDATE refresh_tokens SET status = 'revoked' WHERE session_id = ? AND status = 'active'").param(sessionId).update();
        invalidation.publish(CACHE_TOPIC, sessionId);
        return updated == 1;
    }

    int revokeAllOf(String userId, String reason) {
        List<String> ids = jdbc.sql("""
                UPDATE auth_sessions SET status = 'revoked', revoked_reason = ?, revoked_at = now()
                WHERE end_user_id = ? AND status = 'active' RETURNING id""").params(reason, userId).query(String.class).list();
        if (ids.isEmpty()) return 0;
        jdbc.sql("UPDATE refresh_tokens SET status = 'revoked' WHERE session_id = ANY(?) AND status = 'active'")
                .param(ids.toArray(String[]::new)).update();
        ids.forEach(id -> invalidation.publish(CACHE_TOPIC, id));
        return ids.size();
    }

    Duration refreshTtl() {
        return refreshTtl;
    }
}
