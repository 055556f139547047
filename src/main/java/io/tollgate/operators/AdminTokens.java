package io.tollgate.operators;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.Actor;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.DatabaseErrors;
import io.tollgate.platform.Ids;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.RequestContext;
import io.tollgate.platform.SecretHasher;
import io.tollgate.platform.TokenCodec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Root keys for the admin API. Stored as peppered hashes, like API keys; shown once. */
@Service
public class AdminTokens {
    static final String PREFIX = "tg_admin_";
    static final String CACHE_TOPIC = "admin_token";
    private final JdbcClient jdbc;
    private final SecretHasher hasher;
    private final AuditTrail audit;
    private final CacheInvalidation invalidation;
    private final Clock clock;
    private final OperatorAccounts operators;
    private final Cache<String, Optional<Holder>> cache = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(15)).build();

    private static final long LAST_USE_RESOLUTION_MILLIS = 60_000;
    private final java.util.concurrent.ConcurrentHashMap<String, Long> lastUseWritten = new java.util.concurrent.ConcurrentHashMap<>();

    record Holder(String id, OperatorRole role, long expiresAtMillis, boolean revoked) {}

    AdminTokens(JdbcClient jdbc, SecretHasher hasher, AuditTrail audit, CacheInvalidation invalidation, Clock clock,
                OperatorAccounts operators) {
        this.jdbc = jdbc;
        this.operators = operators;
        this.hasher = hasher;
        this.audit = audit;
        this.invalidation = invalidation;
        this.clock = clock;
        invalidation.subscribe(CACHE_TOPIC, cache::invalidate, cache::invalidateAll);
    }

    /** The actor a bearer token stands for, or empty when it is unknown, revoked or expired. */
    public Optional<Actor> authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > 512) return Optional.empty();
        String hash = Base64.getEncoder().encodeToString(hasher.hash(token));
        Optional<Holder> holder = cache.get(hash, h -> DatabaseErrors.readOnceMore(() -> jdbc.sql(
                        "SELECT id, role, expires_at, status FROM admin_tokens WHERE token_hash = ?")
                .param(Base64.getDecoder().decode(h))
                .query((rs, i) -> new Holder(rs.getString("id"), OperatorRole.valueOf(rs.getString("role").toUpperCase()),
                        rs.getTimestamp("expires_at") == null ? Long.MAX_VALUE : rs.getTimestamp("expires_at").getTime(),
                        "revoked".equals(rs.getString("status"))))
                .optional()));
        long now = clock.millis();
        Optional<Holder> valid = holder.filter(h -> !h.revoked() && now < h.expiresAtMillis());
        valid.ifPresent(h -> noteUse(h.id(), now));
        return valid.map(h -> new Actor("admin_token", h.id(), h.role().name().toLowerCase()));
    }

    /** The admin API is not a hot path, but a write per call is still waste: one per token per minute. */
    private void noteUse(String id, long nowMillis) {
        Long previous = lastUseWritten.get(id);
        if (previous != null && nowMillis - previous < LAST_USE_RESOLUTION_MILLIS) return;
        if (previous == null ? lastUseWritten.putIfAbsent(id, nowMillis) == null : lastUseWritten.replace(id, previous, nowMillis)) {
            jdbc.sql("UPDATE admin_tokens SET last_used_at = ? WHERE id = ?").params(new Timestamp(nowMillis), id).update();
        }
    }

    @Transactional
    public CreatedAdminToken create(AdminTokenRequest request) {
        if (request.expiresAt() != null && !request.expiresAt().isAfter(clock.instant())) {
            throw ApiException.invalidField("expires_at", "must be in the future");
        }
        String token = TokenCodec.generate(PREFIX);
        AdminToken created = insert(request.name(), request.role(), token, request.expiresAt());
        audit.record("admin_token.created", "admin_token", created.id(), null, created);
        return new CreatedAdminToken(created, token);
    }

    /** Makes sure a token with exactly this value exists as an owner token (TOLLGATE_ADMIN_TOKEN). */
    @Transactional
    public EnsureResult ensureOwnerToken(String token) {
        byte[] hash = hasher.hash(token);
        Optional<String> status = jdbc.sql("SELECT status FROM admin_tokens WHERE token_hash = ?").param(hash)
                .query(String.class).optional();
        if (status.isPresent()) return "revoked".equals(status.get()) ? EnsureResult.REVOKED : EnsureResult.PRESENT;
        AdminToken created = insert("TOLLGATE_ADMIN_TOKEN", OperatorRole.OWNER, token, null);
        audit.record("admin_token.created", "admin_token", created.id(), null, created);
        return EnsureResult.CREATED;
    }

    enum EnsureResult { CREATED, PRESENT, REVOKED }

    /** Tokens that still let someone in: not revoked and not expired. */
    private static final String USABLE = "status = 'active' AND (expires_at IS NULL OR expires_at > now())";

    long countActive() {
        return jdbc.sql("SELECT count(*) FROM admin_tokens WHERE " + USABLE).query(Long.class).single();
    }

    private AdminToken insert(String name, OperatorRole role, String token, java.time.Instant expiresAt) {
        String id = Ids.next("adm");
        boolean generated = token.startsWith(PREFIX) && TokenCodec.wellFormed(PREFIX, token);
        jdbc.sql("""
                INSERT INTO admin_tokens (id, name, role, token_hash, token_prefix, token_last4, expires_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, name, role.name().toLowerCase(), hasher.hash(token),
                        generated ? TokenCodec.visiblePrefix(PREFIX, token) : "(custom)", TokenCodec.lastFour(token),
                        expiresAt == null ? null : Timestamp.from(expiresAt), RequestContext.actor().id())
                .update();
        return get(id);
    }

    public PageResult<AdminToken> list(PageQuery page) {
        long total = jdbc.sql("SELECT count(*) FROM admin_tokens").query(Long.class).single();
        List<AdminToken> items = jdbc.sql("SELECT * FROM admin_tokens ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
                .params(page.perPage(), page.offset()).query(this::map).list();
        return page.result(items, total);
    }

    public AdminToken get(String id) {
        if (!Ids.looksLike("adm", id)) throw ApiException.notFound("admin_token", id);
        return jdbc.sql("SELECT * FROM admin_tokens WHERE id = ?").param(id).query(this::map).optional()
                .orElseThrow(() -> ApiException.notFound("admin_token", id));
    }

    @Transactional
    public AdminToken revoke(String id) {
        AdminToken before = get(id);
        if ("revoked".equals(before.status())) return before;
        if (before.role() == OperatorRole.OWNER && jdbc.sql(
                "SELECT count(*) FROM admin_tokens WHERE " + USABLE + " AND role = 'owner' AND id <> ?").param(id)
                .query(Long.class).single() == 0 && operators.countActiveOwners() == 0) {
            throw ApiException.conflict("LAST_OWNER", "This is the last way in as an owner; create another owner token first");
        }
        byte[] hash = jdbc.sql("UPDATE admin_tokens SET status = 'revoked', revoked_at = now() WHERE id = ? RETURNING token_hash")
                .param(id).query(byte[].class).single();
        invalidation.publish(CACHE_TOPIC, Base64.getEncoder().encodeToString(hash));
        AdminToken after = get(id);
        audit.record("admin_token.revoked", "admin_token", id, before, after);
        return after;
    }

    private AdminToken map(ResultSet rs, int row) throws SQLException {
        Timestamp expires = rs.getTimestamp("expires_at");
        Timestamp used = rs.getTimestamp("last_used_at");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new AdminToken(rs.getString("id"), rs.getString("name"), OperatorRole.valueOf(rs.getString("role").toUpperCase()),
                rs.getString("token_prefix"), rs.getString("token_last4"), rs.getString("status"),
                expires == null ? null : expires.toInstant(), used == null ? null : used.toInstant(), rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(), revoked == null ? null : revoked.toInstant());
    }
}
