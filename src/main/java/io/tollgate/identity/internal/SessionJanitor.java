package io.tollgate.identity.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every refresh leaves a used token behind (kept so a replay is recognised); once a token has expired
 * it proves nothing and is deleted, and so is a session with no tokens left. Deletes go in bounded
 * batches so the job never holds long locks, whatever the backlog.
 */
@Component
class SessionJanitor {
    private static final Logger log = LoggerFactory.getLogger(SessionJanitor.class);
    static final int BATCH_ROWS = 5_000;
    static final int MAX_BATCHES_PER_RUN = 100;
    static final java.util.List<String> SHORT_LIVED = java.util.List.of("oauth_states", "oauth_grants", "link_proofs", "email_tokens");
    private final JdbcClient jdbc;

    SessionJanitor(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT1H")
    void purge() {
        try {
            long tokens = repeat("""
                    DELETE FROM refresh_tokens WHERE id IN (
                      SELECT id FROM refresh_tokens WHERE expires_at < now() - interval '1 day' LIMIT ?)""");
            long sessions = repeat("""
                    DELETE FROM auth_sessions WHERE id IN (
                      SELECT s.id FROM auth_sessions s
                      WHERE s.created_at < now() - interval '1 day'
                        AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = s.id) LIMIT ?)""");
            if (tokens + sessions > 0) log.info("Purged {} expired refresh tokens and {} finished sessions", tokens, sessions);
            // Sign-in attempts, one-time codes, link proofs and mailed tokens prove nothing once expired.
            long spent = 0;
            for (String table : SHORT_LIVED) {
                spent += repeat("DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
                        + " WHERE expires_at < now() - interval '1 day' LIMIT ?)");
            }
            if (spent > 0) log.info("Purged {} expired sign-in states, codes, link proofs and mailed tokens", spent);
        } catch (RuntimeException e) {
            log.warn("Session purge failed, will retry next hour: {}", e.getMessage());
        }
    }

    private long repeat(String sql) {
        long total = 0;
        for (int batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
            int deleted = jdbc.sql(sql).param(BATCH_ROWS).update();
            total += deleted;
            if (deleted < BATCH_ROWS) break;
        }
        return total;
    }
}
