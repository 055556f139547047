package io.tollgate.identity.internal;

import io.tollgate.identity.UserIdentity;
import io.tollgate.platform.Ids;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.SecretHasher;
import io.tollgate.platform.TokenCodec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The SQL over user_identities and link_proofs; methods run in the caller's transaction. */
@Component
class IdentityStore {
    static final String LINK_PREFIX = "tg_lp_";
    private final JdbcClient jdbc;
    private final SecretHasher hasher;
    private final Clock clock;

    /** Who a provider account is, as the provider told us. */
    record ProviderAccount(ProviderKind kind, String subject, String email, boolean emailVerified) {}

    record Linked(String identityId, String userId) {}

    /** A link proof spent: the account it may join, and the provider account to link. */
    record Proof(String userId, ProviderAccount account) {}

    IdentityStore(JdbcClient jdbc, SecretHasher hasher, Clock clock) {
        this.jdbc = jdbc;
        this.hasher = hasher;
        this.clock = clock;
    }

    Optional<Linked> find(String appId, ProviderKind kind, String subject) {
        return jdbc.sql("SELECT id, end_user_id FROM user_identities WHERE app_id = ? AND provider = ? AND subject = ?")
                .params(appId, kind.id(), subject).query((rs, i) -> new Linked(rs.getString(1), rs.getString(2))).optional();
    }

    /** Links a provider account; false when it (or another account of this provider for this user) is linked already. */
    boolean link(String appId, String userId, ProviderAccount account) {
        return jdbc.sql("""
                INSERT INTO user_identities (id, app_id, end_user_id, provider, subject, email, email_verified, last_used_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(Ids.next("idn"), appId, userId, account.kind().id(), account.subject(), account.email(), account.emailVerified(),
                        Timestamp.from(clock.instant())).update() == 1;
    }

    /** The provider's latest word on the account's address, and when it was last used to sign in. */
    void used(String identityId, ProviderAccount account) {
        jdbc.sql("UPDATE user_identities SET email = ?, email_verified = ?, last_used_at = ? WHERE id = ?")
                .params(account.email(), account.emailVerified(), Timestamp.from(clock.instant()), identityId).update();
    }

    PageResult<UserIdentity> list(String userId, PageQuery page) {
        long total = jdbc.sql("SELECT count(*) FROM user_identities WHERE end_user_id = ?").param(userId).query(Long.class).single();
        List<UserIdentity> items = jdbc.sql("SELECT * FROM user_identities WHERE end_user_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?")
                .params(userId, page.perPage(), page.offset()).query(IdentityStore::map).list();
        return page.result(items, total);
    }

    int count(String userId) {
        return jdbc.sql("SELECT count(*) FROM user_identities WHERE end_user_id = ?").param(userId).query(Integer.class).single();
    }

    boolean unlink(String userId, String identityId) {
        return jdbc.sql("DELETE FROM user_identities WHERE id = ? AND end_user_id = ?").params(identityId, userId).update() == 1;
    }

    /** Drops every identity of the user (a reset that proves an address nobody had proven). */
    int unlinkAll(String userId) {
        return jdbc.sql("DELETE FROM user_identities WHERE end_user_id = ?").param(userId).update();
    }

    /** A single-use proof that lets {@code userId}, once signed in, link {@code account}. */
    String issueProof(String appId, String userId, ProviderAccount account, Duration ttl) {
        String token = TokenCodec.generate(LINK_PREFIX);
        jdbc.sql("""
                INSERT INTO link_proofs (id, token_hash, app_id, end_user_id, provider, subject, email, email_verified, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(Ids.next("lnk"), hasher.hash(token), appId, userId, account.kind().id(), account.subject(), account.email(),
                        account.emailVerified(), Timestamp.from(clock.instant().plus(ttl))).update();
        return token;
    }

    /**
     * Spends a proof of this app for this user; empty (and nothing spent) when it is unknown, used,
     * expired, another app's or bound to another user — a proof cannot be moved to another account.
     */
    Optional<Proof> spendProof(String appId, String userId, String token) {
        if (token == null || !TokenCodec.wellFormed(LINK_PREFIX, token)) return Optional.empty();
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.sql("""
                UPDATE link_proofs SET used_at = ?
                WHERE token_hash = ? AND app_id = ? AND end_user_id = ? AND used_at IS NULL AND expires_at > ?
                RETURNING provider, subject, email, email_verified""")
                .params(now, hasher.hash(token), appId, userId, now)
                .query((rs, i) -> new Proof(userId, new ProviderAccount(ProviderKind.of(rs.getString(1)).orElseThrow(), rs.getString(2),
                        rs.getString(3), rs.getBoolean(4)))).optional();
    }

    private static UserIdentity map(ResultSet rs, int row) throws SQLException {
        Timestamp used = rs.getTimestamp("last_used_at");
        return new UserIdentity(rs.getString("id"), rs.getString("provider"), rs.getString("subject"), rs.getString("email"),
                rs.getBoolean("email_verified"), rs.getTimestamp("created_at").toInstant(), used == null ? null : used.toInstant());
    }
}
