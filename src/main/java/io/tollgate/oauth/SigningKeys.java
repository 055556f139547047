package io.tollgate.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.SecretBox;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The asymmetric keys customer JWTs are signed with (RS256), kept in PostgreSQL so every node signs
 * with the same key and publishes the same JWK Set; private halves sealed with the platform's
 * {@link SecretBox}. Rotation makes a new key the signing one and keeps the old one published until
 * every token it signed has expired (token lifetime + overlap), so verifiers holding a cached JWK Set
 * and tokens in flight keep verifying. Rotation runs every tollgate.oauth.key-rotation-days, or on demand.
 */
@Service
public class SigningKeys {
    static final String CACHE_TOPIC = "oauth_signing_key";
    /** One rotation or creation at a time across nodes. */
    private static final long LOCK_ID = 0x7467_6f61_7574_6831L;
    private final JdbcClient jdbc;
    private final SecretBox box;
    private final TransactionTemplate transactions;
    private final AuditTrail audit;
    private final Clock clock;
    private final CacheInvalidation invalidation;
    private final Duration publishAfterRotation;
    private final Duration rotationPeriod;
    private volatile Loaded loaded;

    /** The signing key (private) and what is published (public halves of active and retiring keys). */
    public record Loaded(RSAKey signing, JWKSet published) {}

    SigningKeys(JdbcClient jdbc, SecretBox box, TransactionTemplate transactions, AuditTrail audit, Clock clock, CacheInvalidation invalidation,
                @Value("${tollgate.oauth.token-ttl-seconds}") long tokenTtlSeconds,
                @Value("${tollgate.oauth.key-overlap-seconds}") long overlapSeconds,
                @Value("${tollgate.oauth.key-rotation-days}") long rotationDays) {
        this.jdbc = jdbc;
        this.box = box;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
        this.invalidation = invalidation;
        this.publishAfterRotation = Duration.ofSeconds(tokenTtlSeconds + overlapSeconds);
        this.rotationPeriod = Duration.ofDays(rotationDays);
        invalidation.subscribe(CACHE_TOPIC, key -> loaded = null, () -> loaded = null);
    }

    /** From memory; the first call (or the first after a change) reads the table, making the first key if there is none. */
    public Loaded current() {
        Loaded now = loaded;
        if (now != null) return now;
        now = load();
        if (now.signing() == null) {
            transactions.executeWithoutResult(tx -> {
                lock();
                if (jdbc.sql("SELECT count(*) FROM oauth_signing_keys WHERE status = 'active'").query(Long.class).single() == 0) insertActive();
            });
            now = load();
        }
        loaded = now;
        return now;
    }

    /** Makes a new key the signing key; the old one stays published for the token lifetime plus the overlap. */
    public SigningKey rotate() {
        String id = transactions.execute(tx -> {
            lock();
            jdbc.sql("UPDATE oauth_signing_keys SET status = 'retiring', publish_until = ? WHERE status = 'active'")
                    .param(Timestamp.from(clock.instant().plus(publishAfterRotation))).update();
            String created = insertActive();
            audit.record("oauth_signing_key.rotated", "oauth_signing_key", created, null, null);
            return created;
        });
        loaded = null;
        return list().stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow();
    }

    /** Newest first, retired ones included. */
    public List<SigningKey> list() {
        return jdbc.sql("SELECT id, algorithm, status, created_at, publish_until FROM oauth_signing_keys ORDER BY created_at DESC, id DESC")
                .query((rs, i) -> new SigningKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                        rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant())).list();
    }

    /** Retires keys past their publication, and rotates when the signing key is older than the rotation period. */
    @Scheduled(fixedDelayString = "${tollgate.oauth.key-check-millis}", initialDelayString = "${tollgate.oauth.key-check-millis}")
    void maintain() {
        int retired = transactions.execute(tx -> jdbc.sql("""
                UPDATE oauth_signing_keys SET status = 'retired' WHERE status = 'retiring' AND publish_until <= ?""")
                .param(Timestamp.from(clock.instant())).update());
        if (retired > 0) invalidate();
        Instant newest = jdbc.sql("SELECT max(created_at) FROM oauth_signing_keys WHERE status = 'active'").query(Timestamp.class)
                .optional().map(Timestamp::toInstant).orElse(null);
        if (newest != null && newest.plus(rotationPeriod).isBefore(clock.instant())) rotate();
    }

    private void lock() {
        jdbc.sql("SELECT pg_advisory_xact_lock(?)").param(LOCK_ID).query(Object.class).optional();
    }

    /** Inserts a new active key; its publication reaches every node at commit. */
    private String insertActive() {
        String id = Ids.next("kid");
        RSAKey key;
        try {
            key = new RSAKeyGenerator(2048).keyID(id).algorithm(JWSAlgorithm.RS256).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate an RSA key", e);
        }
        jdbc.sql("""
                INSERT INTO oauth_signing_keys (id, algorithm, public_jwk, private_key_sealed, status, created_at)
                VALUES (?, 'RS256', ?, ?, 'active', ?)""")
                .params(id, key.toPublicJWK().toJSONString(), box.seal(key.toJSONString(), sealContext(id)), Timestamp.from(clock.instant()))
                .update();
        invalidate();
        return id;
    }

    private void invalidate() {
        // Inside a transaction: every node (this one too) drops what it loaded at commit.
        invalidation.publish(CACHE_TOPIC, "all");
    }

    private Loaded load() {
        record Row(String id, String publicJwk, String sealed, String status) {}
        List<Row> rows = jdbc.sql("""
                SELECT id, public_jwk, private_key_sealed, status FROM oauth_signing_keys WHERE status IN ('active', 'retiring')
                ORDER BY created_at DESC, id DESC""")
                .query((rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))).list();
        RSAKey signing = null;
        List<JWK> published = new ArrayList<>();
        try {
            for (Row row : rows) {
                published.add(JWK.parse(row.publicJwk()));
                if ("active".equals(row.status())) signing = RSAKey.parse(box.open(row.sealed(), sealContext(row.id())));
            }
        } catch (ParseException e) {
            throw new IllegalStateException("a stored signing key does not parse", e);
        }
        return new Loaded(signing, new JWKSet(published));
    }

    static String sealContext(String id) {
        return "oauth_signing_keys:" + id + ":private_key_sealed";
    }
}
