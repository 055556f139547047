package io.tollgate.identity.internal;

import io.tollgate.platform.Ids;
import io.tollgate.platform.SecretHasher;
import io.tollgate.platform.TokenCodec;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Tokens mailed to an end user: stored only as HMAC(pepper, token), single use (spending one is a
 * conditional update, so two clicks race to one winner), bound to the app, the user and the address
 * they were sent to. Methods run in the caller's transaction.
 */
@Component
class EmailTokens {
    enum Purpose {
        VERIFY_EMAIL("verify_email", "tg_ev_"),
        RESET_PASSWORD("reset_password", "tg_pr_");

        final String column;
        final String prefix;

        Purpose(String column, String prefix) {
            this.column = column;
            this.prefix = prefix;
        }
    }

    record Spent(String userId, String email) {}

    private final JdbcClient jdbc;
    private final SecretHasher hasher;
    private final Clock clock;

    EmailTokens(JdbcClient jdbc, SecretHasher hasher, Clock clock) {
        this.jdbc = jdbc;
        this.hasher = hasher;
        this.clock = clock;
    }

    String issue(Purpose purpose, String appId, String userId, String email, Duration ttl) {
        String token = TokenCodec.generate(purpose.prefix);
        jdbc.sql("""
                INSERT INTO email_tokens (id, token_hash, purpose, app_id, end_user_id, email, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(Ids.next("emt"), hasher.hash(token), purpose.column, appId, userId, email,
                        Timestamp.from(clock.instant().plus(ttl))).update();
        return token;
    }

    /** Spends the token if it is this app's, of this purpose, unused and unexpired; empty otherwise (and nothing changes). */
    Optional<Spent> spend(Purpose purpose, String appId, String token) {
        if (token == null || !TokenCodec.wellFormed(purpose.prefix, token)) return Optional.empty();
        return jdbc.sql("""
                UPDATE email_tokens SET used_at = ? WHERE token_hash = ? AND purpose = ? AND app_id = ? AND used_at IS NULL AND expires_at > ?
                RETURNING end_user_id, email""")
                .params(Timestamp.from(clock.instant()), hasher.hash(token), purpose.column, appId, Timestamp.from(clock.instant()))
                .query((rs, i) -> new Spent(rs.getString(1), rs.getString(2))).optional();
    }

    /** Spends every outstanding token of the user for this purpose: a reset makes earlier reset links useless. */
    void spendAll(Purpose purpose, String userId) {
        jdbc.sql("UPDATE email_tokens SET used_at = ? WHERE end_user_id = ? AND purpose = ? AND used_at IS NULL")
                .params(Timestamp.from(clock.instant()), userId, purpose.column).update();
    }
}
