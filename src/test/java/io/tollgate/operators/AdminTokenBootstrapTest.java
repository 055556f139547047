package io.tollgate.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Without TOLLGATE_ADMIN_TOKEN, a start with no usable token (all expired or revoked) makes a new one. */
class AdminTokenBootstrapTest extends ApiTest {
    @Autowired
    AdminTokens tokens;
    @Autowired
    OperatorAccounts accounts;

    @Test
    void expiredTokensDoNotCountAsAWayIn() {
        long generatedBefore = generated();
        // Every token that still works expires for the length of this test (restored afterwards).
        List<String> expired = jdbc.sql("""
                UPDATE admin_tokens SET expires_at = now() - interval '1 hour'
                WHERE status = 'active' AND expires_at IS NULL RETURNING id""").query(String.class).list();
        List<String> stillValid = jdbc.sql("SELECT id FROM admin_tokens WHERE status = 'active' AND expires_at > now()")
                .query(String.class).list();
        jdbc.sql("UPDATE admin_tokens SET status = 'revoked' WHERE id = ANY(?)").param(stillValid.toArray(String[]::new)).update();
        try {
            assertThat(tokens.countActive()).isZero();
            new OperatorBootstrap(tokens, accounts, "", "", "").run(null);
            assertThat(generated()).isEqualTo(generatedBefore + 1);
            assertThat(tokens.countActive()).isEqualTo(1);
        } finally {
            jdbc.sql("UPDATE admin_tokens SET expires_at = NULL WHERE id = ANY(?)").param(expired.toArray(String[]::new)).update();
            jdbc.sql("UPDATE admin_tokens SET status = 'active' WHERE id = ANY(?)").param(stillValid.toArray(String[]::new)).update();
            jdbc.sql("UPDATE admin_tokens SET status = 'revoked' WHERE name = 'generated at first start' AND status = 'active'").update();
        }
    }

    private long generated() {
        return jdbc.sql("SELECT count(*) FROM admin_tokens WHERE name = 'generated at first start'").query(Long.class).single();
    }
}
