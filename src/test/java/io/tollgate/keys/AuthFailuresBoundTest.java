package io.tollgate.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import io.tollgate.audit.AuditTrail;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A flood of bad keys cannot flood the audit log or the server log: a window writes one audit row per
 * group (address, reason, key) up to the limit, and one row counting the rest; it logs the first
 * failure of each itemized group only.
 */
@ExtendWith(OutputCaptureExtension.class)
class AuthFailuresBoundTest extends ApiTest {
    @Autowired
    AuditTrail audit;
    @Autowired
    TransactionTemplate transactions;

    @Test
    void aWindowWritesAtMostMaxGroupsPlusOneRows(CapturedOutput output) {
        AuthFailures failures = new AuthFailures(audit, transactions, 3);
        String net = "2001:db8:" + Integer.toHexString(UUID.randomUUID().hashCode() & 0xffff) + ":";
        Timestamp started = Timestamp.from(Instant.now().minusSeconds(1));
        int failuresSent = 0;
        for (int round = 0; round < 20; round++) {
            for (int address = 0; address < 50; address++) {
                failures.record(net + ":" + address, AuthFailures.Reason.UNKNOWN, null, "tg_sk_live_abcd", "req-" + round, Instant.now());
                failuresSent++;
            }
        }
        failures.flush();

        long itemizedRows = jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'api_key.auth_failed' AND target_id LIKE ?")
                .param(net + "%").query(Long.class).single();
        long itemizedCount = jdbc.sql("""
                SELECT coalesce(sum((after->>'count')::bigint), 0) FROM audit_log
                WHERE action = 'api_key.auth_failed' AND target_id LIKE ?""").param(net + "%").query(Long.class).single();
        assertThat(itemizedRows).isEqualTo(3);
        assertThat(itemizedCount).isEqualTo(60); // the first three addresses, 20 failures each
        long rest = failuresSent - itemizedCount;
        long notItemized = jdbc.sql("""
                SELECT count(*) FROM audit_log WHERE action = 'api_key.auth_failures_not_itemized' AND created_at >= ?
                  AND (after->>'count')::bigint = ?""").params(started, rest).query(Long.class).single();
        assertThat(notItemized).isEqualTo(1);
        assertThat(output.getAll().lines().filter(l -> l.contains("API key refused from " + net)).count()).isEqualTo(3);

        // The next window starts empty.
        failures.flush();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE target_id LIKE ?").param(net + "%").query(Long.class).single()).isEqualTo(3);
    }
}
