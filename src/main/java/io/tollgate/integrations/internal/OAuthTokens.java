package io.tollgate.integrations.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.audit.AuditTrail;
import io.tollgate.integrations.Connection;
import io.tollgate.integrations.Connections;
import io.tollgate.integrations.Provider;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.SecretBox;
import jakarta.annotation.PreDestroy;
import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A connection's OAuth access token, refreshed before it expires with FENCING, so that concurrent callers on any
 * number of nodes refresh at most once and never lose a rotated refresh token:
 * <ul>
 *   <li>{@code version} is even when settled and odd while a refresh is claimed. A node claims with
 *       {@code UPDATE … SET version = v + 1 WHERE version = v} (v even): exactly one claimant wins;</li>
 *   <li>the winner alone spends the refresh token, then writes the answer with {@code … SET version = v + 2 WHERE
 *       version = v + 1}, committed before it hands the new access token to anyone; an answer without a new refresh
 *       token keeps the old one;</li>
 *   <li>everyone else keeps using the current access token while it is still valid, and otherwise waits (polling the
 *       row; one waiter per node) until the version is settled again;</li>
 *   <li>a claim older than TOLLGATE_INTEGRATIONS_OAUTH_REFRESH_CLAIM_TIMEOUT_MILLIS (its node died mid-refresh) is
 *       taken over by moving v + 1 → v + 3; the stale claimant's later write then matches no row and is discarded,
 *       so an old answer can never overwrite a newer one. No lock expires under a live claimant's feet: the
 *       timeout only decides when a silent claim is presumed dead.</li>
 * </ul>
 */
@Component
public class OAuthTokens {
    public static final String CACHE_TOPIC = "integration-oauth-tokens";
    private static final Logger log = LoggerFactory.getLogger(OAuthTokens.class);
    private final JdbcClient jdbc;
    private final SecretBox box;
    private final TokenEndpoint endpoint;
    private final AuditTrail audit;
    private final CacheInvalidation invalidation;
    private final Clock clock;
    private final IntegrationsProperties.Oauth settings;
    private final String node = ManagementFactory.getRuntimeMXBean().getName();
    private final Cache<String, Snapshot> snapshots = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(Duration.ofMinutes(10)).build();
    private final ConcurrentHashMap<String, CompletableFuture<Snapshot>> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService refreshers = Executors.newVirtualThreadPerTaskExecutor();
    /** Refreshes this node made (the token endpoint answered 2xx): for the refresh-race test and metrics. */
    private final AtomicLong refreshes = new AtomicLong();

    OAuthTokens(JdbcClient jdbc, SecretBox box, TokenEndpoint endpoint, AuditTrail audit, CacheInvalidation invalidation, Clock clock,
                IntegrationsProperties properties) {
        this.jdbc = jdbc;
        this.box = box;
        this.endpoint = endpoint;
        this.audit = audit;
        this.invalidation = invalidation;
        this.clock = clock;
        this.settings = properties.oauth();
        invalidation.subscribe(CACHE_TOPIC, snapshots::invalidate, snapshots::invalidateAll);
    }

    /** An opened, settled token version. */
    public record Snapshot(long version, String accessToken, Instant expiresAt) {}

    private record Row(String connectionId, long version, String accessToken, String refreshToken, Instant expiresAt, boolean claimStale) {}

    /** The access token to use now, refreshing it first when it is (nearly) expired. */
    public String accessToken(Connection connection, Provider provider, Map<String, String> secrets) {
        Snapshot current = snapshots.get(connection.id(), id -> read(id).filter(r -> r.version() % 2 == 0 && r.accessToken() != null)
                .map(this::open).orElse(null));
        if (current == null) current = read(connection.id()).map(this::open).orElse(null);
        if (current == null || current.accessToken() == null) {
            throw new ApiException(HttpStatus.CONFLICT, "OAUTH_NOT_AUTHORIZED", "The connection has no OAuth tokens yet: complete its authorization first");
        }
        Instant now = clock.instant();
        if (fresh(current, now)) return current.accessToken();
                // One refresher (or waiter) per connection and node; the node's other callers share its result.
        CompletableFuture<Snapshot> mine = new CompletableFuture<>();
        CompletableFuture<Snapshot> existing = inFlight.putIfAbsent(connection.id(), mine);
        CompletableFuture<Snapshot> refresh = existing != null ? existing : mine;
        if (existing == null) {
            refreshers.execute(() -> {
                try {
                    mine.complete(refreshOrWait(connection, provider, secrets));
                } catch (Throwable e) {
                    mine.completeExceptionally(e);
                } finally {
                    inFlight.remove(connection.id(), mine);
                }
            });
        }
        // Still valid: use it, while the refresh runs ahead of the expiry.
        if (current.expiresAt() != null && now.isBefore(current.expiresAt())) return current.accessToken();
        try {
            return refresh.get(settings.refreshWaitMillis(), TimeUnit.MILLISECONDS).accessToken();
        } catch (TimeoutException e) {
            throw pending();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw pending();
        }
    }

    /** Stores the tokens of a completed authorization, fencing out any refresh in flight (its write will match nothing). */
    public void store(String connectionId, String accessToken, String refreshToken, Long expiresInSeconds, String scope, String tokenType) {
        jdbc.sql("""
                INSERT INTO integration_oauth_tokens (connection_id, access_token, refresh_token, token_type, scope, expires_at, version)
                VALUES (:id, :access, :refresh, :type, :scope, :expires, 0)
                ON CONFLICT (connection_id) DO UPDATE SET access_token = excluded.access_token, refresh_token = excluded.refresh_token,
                  token_type = excluded.token_type, scope = excluded.scope, expires_at = excluded.expires_at,
                  version = integration_oauth_tokens.version + 2 - integration_oauth_tokens.version % 2,
                  refresh_claimed_by = NULL, refresh_claimed_at = NULL, last_error = NULL, updated_at = now()""")
                .param("id", connectionId).param("access", box.seal(accessToken, context(connectionId, "access_token")))
                .param("refresh", refreshToken == null ? null : box.seal(refreshToken, context(connectionId, "refresh_token")))
                .param("type", tokenType).param("scope", scope).param("expires", expiry(expiresInSeconds)).update();
        invalidation.publish(CACHE_TOPIC, connectionId);
        snapshots.invalidate(connectionId);
    }

    public long refreshCount() {
        return refreshes.get();
    }

    /** Status facts for the API (no token). */
    public Optional<Map<String, Object>> status(String connectionId) {
        return jdbc.sql("SELECT expires_at, scope, token_type, refreshed_at, refresh_count, last_error, refresh_token IS NOT NULL AS has_refresh"
                        + " FROM integration_oauth_tokens WHERE connection_id = ?").param(connectionId)
                .query((rs, i) -> {
                    Map<String, Object> s = new java.util.LinkedHashMap<>();
                    s.put("authorized", true);
                    s.put("expires_at", ts(rs.getTimestamp("expires_at")));
                    s.put("scope", rs.getString("scope"));
                    s.put("token_type", rs.getString("token_type"));
                    s.put("can_refresh", rs.getBoolean("has_refresh"));
                    s.put("refreshed_at", ts(rs.getTimestamp("refreshed_at")));
                    s.put("refresh_count", rs.getLong("refresh_count"));
                    s.put("last_error", rs.getString("last_error"));
                    return s;
                }).optional();
    }

    private Snapshot refreshOrWait(Connection connection, Provider provider, Map<String, String> secrets) {
        long deadline = System.currentTimeMillis() + settings.refreshWaitMillis();
        while (System.currentTimeMillis() < deadline) {
            Row row = read(connection.id()).orElseThrow(() -> new ApiException(HttpStatus.CONFLICT, "OAUTH_NOT_AUTHORIZED",
                    "The connection's OAuth tokens were removed"));
            if (row.version() % 2 == 0) {
                // Settled, and fresh: another caller (here or on another node) refreshed it since we looked.
                Snapshot settled = open(row);
                if (fresh(settled, clock.instant())) return cache(connection.id(), settled);
                if (claim(connection.id(), row.version(), row.version() + 1)) return refresh(connection, provider, secrets, row, row.version() + 1);
            } else if (row.claimStale() && claim(connection.id(), row.version(), row.version() + 2)) {
                log.warn("OAuth refresh of {} claimed by another node went silent; taking it over", connection.id());
                return refresh(connection, provider, secrets, row, row.version() + 2);
            }
            sleep(settings.refreshPollMillis());
        }
        throw pending();
    }

    private boolean claim(String connectionId, long from, long to) {
        return jdbc.sql("UPDATE integration_oauth_tokens SET version = ?, refresh_claimed_by = ?, refresh_claimed_at = now(), updated_at = now()"
                + " WHERE connection_id = ? AND version = ?").params(to, node, connectionId, from).update() == 1;
    }

    /** We hold the claim {@code claimed} (odd): spend the refresh token once, write the answer under the fence, then use it. */
    private Snapshot refresh(Connection connection, Provider provider, Map<String, String> secrets, Row row, long claimed) {
        if (row.refreshToken() == null) {
            release(connection.id(), claimed, "no refresh token: authorize again");
            markError(connection, "The access token expired and the provider gave no refresh token: authorize the connection again");
            throw reauthorize();
        }
        String refreshToken = box.open(row.refreshToken(), context(connection.id(), "refresh_token"));
        TokenEndpoint.Answer answer;
        try {
            answer = endpoint.exchange(provider, connection.id(), connection.organizationId(), connection.configuration(), secrets,
                    Map.of("grant_type", "refresh_token", "refresh_token", refreshToken), List.of());
        } catch (ProviderCallFailed e) {
            release(connection.id(), claimed, e.code());
            throw new ApiException(HttpStatus.BAD_GATEWAY, "OAUTH_REFRESH_FAILED", "The provider's token endpoint failed: " + e.getMessage());
        } catch (RuntimeException e) {
            release(connection.id(), claimed, e.getClass().getSimpleName());
            throw e;
        }
        if (!answer.ok()) {
            release(connection.id(), claimed, answer.error() == null ? "status " + answer.status() : answer.error());
            if (answer.grantRejected()) {
                markError(connection, "The provider refused the refresh token (" + answer.error() + "): authorize the connection again");
                throw reauthorize();
            }
            throw new ApiException(HttpStatus.BAD_GATEWAY, "OAUTH_REFRESH_FAILED", "The provider's token endpoint answered " + answer.status());
        }
        refreshes.incrementAndGet();
        Instant expiresAt = expiry(answer.expiresInSeconds()) == null ? null : expiry(answer.expiresInSeconds()).toInstant();
        // The rotated refresh token commits here, before anyone (this caller included) uses the new access token.
        int written = jdbc.sql("""
                UPDATE integration_oauth_tokens SET access_token = :access, refresh_token = coalesce(:refresh, refresh_token),
                  expires_at = :expires, scope = coalesce(:scope, scope), version = :settled, refresh_claimed_by = NULL, refresh_claimed_at = NULL,
                  refreshed_at = now(), refresh_count = refresh_count + 1, last_error = NULL, updated_at = now()
                WHERE connection_id = :id AND version = :claimed""")
                .param("access", box.seal(answer.accessToken(), context(connection.id(), "access_token")))
                .param("refresh", answer.refreshToken() == null ? null : box.seal(answer.refreshToken(), context(connection.id(), "refresh_token")))
                .param("expires", expiresAt == null ? null : Timestamp.from(expiresAt)).param("scope", answer.scope())
                .param("settled", claimed + 1).param("id", connection.id()).param("claimed", claimed).update();
        if (written == 0) {
            // Our claim was taken over (we were presumed dead): what we got is discarded, never used.
            log.warn("OAuth refresh of {} finished after its claim was taken over; its answer is discarded", connection.id());
            throw pending();
        }
        invalidation.publish(CACHE_TOPIC, connection.id());
        return cache(connection.id(), new Snapshot(claimed + 1, answer.accessToken(), expiresAt));
    }

    private void release(String connectionId, long claimed, String error) {
        jdbc.sql("UPDATE integration_oauth_tokens SET version = ?, refresh_claimed_by = NULL, refresh_claimed_at = NULL, last_error = ?, updated_at = now()"
                + " WHERE connection_id = ? AND version = ?").params(claimed + 1, error, connectionId, claimed).update();
    }

    private void markError(Connection connection, String message) {
        int changed = jdbc.sql("UPDATE integration_connections SET status = 'error', error_message = ?, updated_at = now() WHERE id = ? AND status <> 'error'")
                .params(message, connection.id()).update();
        if (changed == 1) {
            invalidation.publish(Connections.CACHE_TOPIC, connection.id()); // the proxy's cached copy must stop calling
            audit.record("integration_connection.oauth_failed", "integration_connection", connection.id(),
                    Map.of("status", connection.status()), Map.of("status", "error", "error_message", message));
        }
    }

    private Optional<Row> read(String connectionId) {
        return jdbc.sql("""
                SELECT version, access_token, refresh_token, expires_at,
                  (refresh_claimed_at IS NOT NULL AND refresh_claimed_at < now() - make_interval(secs => ?)) AS claim_stale
                FROM integration_oauth_tokens WHERE connection_id = ?""")
                .params(settings.refreshClaimTimeoutMillis() / 1000.0, connectionId)
                .query((rs, i) -> new Row(connectionId, rs.getLong("version"), rs.getString("access_token"), rs.getString("refresh_token"),
                        ts(rs.getTimestamp("expires_at")), rs.getBoolean("claim_stale"))).optional();
    }

    private Snapshot open(Row row) {
        return new Snapshot(row.version(), row.accessToken() == null ? null : box.open(row.accessToken(), contextOf(row)), row.expiresAt());
    }

    private static String contextOf(Row row) {
        return context(row.connectionId(), "access_token");
    }

    private Snapshot cache(String connectionId, Snapshot snapshot) {
        snapshots.put(connectionId, snapshot);
        return snapshot;
    }

    private boolean fresh(Snapshot s, Instant now) {
        return s.expiresAt() == null || now.plusSeconds(settings.refreshSkewSeconds()).isBefore(s.expiresAt());
    }

    private Timestamp expiry(Long expiresInSeconds) {
        return expiresInSeconds == null || expiresInSeconds <= 0 ? null : Timestamp.from(clock.instant().plusSeconds(expiresInSeconds));
    }

    public static String context(String connectionId, String column) {
        return "integration_oauth_tokens:" + connectionId + ":" + column;
    }

    private static Instant ts(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static ApiException pending() {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "OAUTH_REFRESH_PENDING", "The connection's access token is being refreshed; retry in a moment",
                Map.of("retry_after_seconds", 1), Map.of());
    }

    private static ApiException reauthorize() {
        return new ApiException(HttpStatus.CONFLICT, "OAUTH_REAUTHORIZATION_REQUIRED", "The provider no longer accepts this connection's grant: authorize it again");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw pending();
        }
    }

    @PreDestroy
    void stop() {
        refreshers.shutdownNow();
    }
}
