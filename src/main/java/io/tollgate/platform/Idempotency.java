package io.tollgate.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Idempotency-Key for every operation that moves credits or money. The key is claimed and the
 * response stored in the same transaction as the work, so: a replay gets the first response; a
 * concurrent duplicate waits on the primary key until the first commits, then replays; the same key
 * with a different body is 422. Records are kept TOLLGATE_IDEMPOTENCY_RETENTION_DAYS (30).
 */
@Service
public class Idempotency {
    public static final String HEADER = "Idempotency-Key";
    public static final int MAX_KEY_LENGTH = 255;
    private static final int SWEEP_BATCH = 10_000;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration retention;

    public record ScopedKey(String scope, String key) {}
    public record Claim(ScopedKey key, byte[] requestHash) {}
    /** status 0 and responseJson null: claimed, the work not finished (see {@link #claimForResource}). */
    public record Stored(byte[] requestHash, int status, String responseJson, String resourceId) {}
    /** A finished answer: status and the whole envelope as JSON. */
    public record Reply(int status, String json, boolean replayed) {}

    Idempotency(JdbcClient jdbc, TransactionTemplate transactions, Clock clock,
                @Value("${tollgate.idempotency.retention-days}") int retentionDays) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.retention = Duration.ofDays(retentionDays);
    }

    /** Null when the header is absent; 400 when it is present but unusable. */
    public static String checkKey(String key) {
        if (key == null) return null;
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw ApiException.invalidField(HEADER, "must be 1 to " + MAX_KEY_LENGTH + " printable ASCII characters");
        }
        return key;
    }

    /** What "the same request" means: method, path and the body as the server understood it. */
    public static byte[] requestHash(String method, String path, String canonicalBody) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8));
            if (canonicalBody != null) sha.update(canonicalBody.getBytes(StandardCharsets.UTF_8));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ApiException keyReused() {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was used with a different request; use a new key for a new request");
    }

    /**
     * Runs {@code work} once per key in its own transaction. Without a key it simply runs it. A
     * failure (exception) rolls the claim back with the work, so the client may retry with the key.
     */
    public Reply run(String scope, String key, byte[] requestHash, Supplier<Reply> work) {
        if (key == null) return transactions.execute(status -> work.get());
        return transactions.execute(status -> {
            ScopedKey scoped = new ScopedKey(scope, key);
            if (claim(List.of(new Claim(scoped, requestHash))).isEmpty()) {
                Stored stored = lookup(List.of(scoped)).get(scoped);
                if (!MessageDigest.isEqual(stored.requestHash(), requestHash)) throw keyReused();
                return new Reply(stored.status(), stored.responseJson(), true);
            }
            Reply reply = work.get();
            complete(Map.of(scoped, reply));
            return reply;
        });
    }

    /** Inserts the keys not yet known; returns those this transaction now owns. */
    public Set<ScopedKey> claim(List<Claim> claims) {
        if (claims.isEmpty()) return Set.of();
        int n = claims.size();
        String[] scopes = new String[n];
        String[] keys = new String[n];
        byte[][] hashes = new byte[n][];
        for (int i = 0; i < n; i++) {
            scopes[i] = claims.get(i).key().scope();
            keys[i] = claims.get(i).key().key();
            hashes[i] = claims.get(i).requestHash();
        }
        Set<ScopedKey> claimed = new HashSet<>();
        jdbc.sql("""
                INSERT INTO idempotency_keys (scope, key, request_hash, expires_at)
                SELECT s, k, h, ? FROM unnest(?::text[], ?::text[], ?::bytea[]) AS t(s, k, h)
                ON CONFLICT (scope, key) DO NOTHING RETURNING scope, key""")
                .params(Timestamp.from(clock.instant().plus(retention)), scopes, keys, hashes)
                .query(rs -> { claimed.add(new ScopedKey(rs.getString(1), rs.getString(2))); });
        return claimed;
    }

    public Map<ScopedKey, Stored> lookup(Collection<ScopedKey> keys) {
        Map<ScopedKey, Stored> found = new HashMap<>();
        if (keys.isEmpty()) return found;
        List<String> scopes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        keys.forEach(k -> { scopes.add(k.scope()); names.add(k.key()); });
        jdbc.sql("""
                SELECT i.scope, i.key, i.request_hash, i.status_code, i.response, i.resource_id FROM idempotency_keys i
                JOIN unnest(?::text[], ?::text[]) AS t(s, k) ON i.scope = t.s AND i.key = t.k""")
                .params(scopes.toArray(String[]::new), names.toArray(String[]::new))
                .query(rs -> {
                    found.put(new ScopedKey(rs.getString(1), rs.getString(2)),
                            new Stored(rs.getBytes(3), rs.getInt(4), rs.getString(5), rs.getString(6)));
                });
        return found;
    }

    /**
     * For work finished in two commits (record a payment, then hear from its provider): claims the key
     * for a resource inside the first transaction. False when the key was already used.
     */
    public boolean claimForResource(ScopedKey key, byte[] requestHash, String resourceId) {
        if (claim(List.of(new Claim(key, requestHash))).isEmpty()) return false;
        jdbc.sql("UPDATE idempotency_keys SET resource_id = ? WHERE scope = ? AND key = ?").params(resourceId, key.scope(), key.key()).update();
        return true;
    }

    public void complete(Map<ScopedKey, Reply> replies) {
        SqlPipeline pipeline = new SqlPipeline();
        complete(replies, pipeline);
        pipeline.run(jdbc);
    }

    /** Adds storing the replies to the caller's pipeline (the same transaction as the work). */
    public void complete(Map<ScopedKey, Reply> replies, SqlPipeline pipeline) {
        if (replies.isEmpty()) return;
        List<String> scopes = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        replies.forEach((k, r) -> { scopes.add(k.scope()); keys.add(k.key()); statuses.add(r.status()); bodies.add(r.json()); });
        pipeline.add("""
                UPDATE idempotency_keys i SET status_code = t.st, response = t.body
                FROM unnest(?::text[], ?::text[], ?::int[], ?::text[]) AS t(s, k, st, body)
                WHERE i.scope = t.s AND i.key = t.k""",
                scopes.toArray(String[]::new), keys.toArray(String[]::new), statuses.toArray(Integer[]::new), bodies.toArray(String[]::new));
    }

    /**
     * Adds freeing these keys to the caller's pipeline: for work that turned out to do nothing (an upstream
     * that could not be reached), so a retry with the same key runs afresh instead of replaying a failure.
     */
    public void release(Collection<ScopedKey> keys, SqlPipeline pipeline) {
        if (keys.isEmpty()) return;
        pipeline.add("DELETE FROM idempotency_keys i USING unnest(?::text[], ?::text[]) AS t(s, k) WHERE i.scope = t.s AND i.key = t.k",
                keys.stream().map(ScopedKey::scope).toArray(String[]::new), keys.stream().map(ScopedKey::key).toArray(String[]::new));
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    void sweepExpired() {
        int deleted;
        do {
            deleted = jdbc.sql("DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at < ? LIMIT "
                    + SWEEP_BATCH + ")").param(Timestamp.from(clock.instant())).update();
        } while (deleted == SWEEP_BATCH);
    }
}
