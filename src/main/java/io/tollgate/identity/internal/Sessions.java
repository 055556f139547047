package io.tollgate.identity.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.SecretHasher;
import io.tollgate.platform.TenantScope;
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
 *
 * <p>Grace window: two tabs (or a retry after a lost answer) often present the same token at once. The
 * immediate parent presented again within {@code refresh-grace-seconds} of its use, while its child is
 * still the family's current token, answers that same child instead of ending the session. The child is
 * not stored anywhere in the clear: it is derived, {@code child = HMAC(pepper, label + parent)}, so
 * whoever presents the parent can be given the child again and nobody who only reads the database can
 * compute either. (The alternative, keeping the child sealed on the parent's row, would put a usable
 * token in the database for the whole window.) A first token of a session is random; the rest of the
 * family follows from it. An older ancestor, or the parent after the window, revokes the family.
 */
@Component
class Sessions {
    static final String CACHE_TOPIC = "auth_session";
    static final String REFRESH_PREFIX = "tg_rt_";
    /** Every sign-in opens a session; past this many a user's oldest active sessions are revoked. */
    static final int MAX_ACTIVE_PER_USER = 100;
    static final int MAX_GRACE_SECONDS = 60;
    static final String CHILD_LABEL = "tollgate:refresh-child:";

    private final JdbcClient jdbc;
    private final SecretHasher hasher;
    private final CacheInvalidation invalidation;
    private final Clock clock;
    private final Duration refreshTtl;
    private final Duration grace;
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
             @Value("${tollgate.identity.cache-max-entries}") long maxEntries,
             @Value("${tollgate.identity.refresh-grace-seconds}") int graceSeconds) {
        if (refreshTtlDays < 1 || refreshTtlDays > 365) {
            throw new IllegalStateException("TOLLGATE_REFRESH_TOKEN_TTL_DAYS must be between 1 and 365");
        }
        if (graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
            throw new IllegalStateException("TOLLGATE_REFRESH_GRACE_SECONDS must be between 0 and " + MAX_GRACE_SECONDS);
        }
        this.grace = Duration.ofSeconds(graceSeconds);
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
        return new Issued(sessionId, issueRefreshToken(sessionId, TokenCodec.generate(REFRESH_PREFIX)));
    }

    private String issueRefreshToken(String sessionId, String token) {
        jdbc.sql("INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at) VALUES (?, ?, ?, ?)")
                .params(Ids.next("rtk"), sessionId, hasher.hash(token), Timestamp.from(clock.instant().plus(refreshTtl))).update();
        return token;
    }

    /** The caller's transaction must commit even for {@link Rotation.Reused}: the revocation is the point. */
    Rotation rotate(String appId, String refreshToken) {
        if (!TokenCodec.wellFormed(REFRESH_PREFIX, refreshToken)) return new Rotation.Invalid();
        record Row(String tokenId, String tokenStatus, Instant expiresAt, Instant usedAt, String sessionId, String appId,
                   String userId, String sessionStatus) {}
        // Locking the session row too serializes every refresh of one family, so concurrent presenters of
        // one token queue here: the first rotates it, the rest find it used and take the grace path.
        Optional<Row> found = jdbc.sql("""
                SELECT t.id, t.status, t.expires_at, t.used_at, s.id, s.app_id, s.end_user_id, s.status
                FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
                WHERE t.token_hash = ? FOR UPDATE OF t, s""").param(hasher.hash(refreshToken))
                .query((rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant(), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8))).optional();
        // Another app's token is not evidence of theft from this family: it simply is not valid here.
        if (found.isEmpty() || !found.get().appId().equals(appId)) return new Rotation.Invalid();
        Row row = found.get();
        Instant now = clock.instant();
        if (!row.expiresAt().isAfter(now)) return new Rotation.Invalid();
        String child = childOf(refreshToken);
        if ("used".equals(row.tokenStatus())) {
            if ("active".equals(row.sessionStatus()) && withinGrace(row.usedAt(), now) && stillCurrent(child, row.sessionId())) {
                return new Rotation.Rotated(row.userId(), row.sessionId(), child);
            }
            revoke(row.sessionId(), "refresh_token_reused");
            return new Rotation.Reused(row.sessionId());
        }
        if (!"active".equals(row.tokenStatus()) || !"active".equals(row.sessionStatus())) return new Rotation.Invalid();
        jdbc.sql("UPDATE refresh_tokens SET status = 'used', used_at = ? WHERE id = ?").params(Timestamp.from(now), row.tokenId()).update();
        return new Rotation.Rotated(row.userId(), row.sessionId(), issueRefreshToken(row.sessionId(), child));
    }

    private boolean withinGrace(Instant usedAt, Instant now) {
        return usedAt != null && !grace.isZero() && now.isBefore(usedAt.plus(grace));
    }

    /** Whether the parent's child is still the family's current (unused, unrevoked) token. */
    private boolean stillCurrent(String child, String sessionId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE token_hash = ? AND session_id = ? AND status = 'active')")
                .params(hasher.hash(child), sessionId).query(Boolean.class).single();
    }

    /** The one child a refresh token can have: a keyed hash of it, so only a holder of the parent (and the server) knows it. */
    private String childOf(String parent) {
        return TokenCodec.fromSeed(REFRESH_PREFIX, hasher.hash(CHILD_LABEL + parent));
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
        return active.get(sessionId, id -> TenantScope.cacheFill(() -> jdbc.sql("SELECT status = 'active' FROM auth_sessions WHERE id = ?").param(id)
                .query(Boolean.class).optional().orElse(false)));
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
