package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A metering batch whose COMMIT fails is never applied twice: one that landed is answered as decided,
 * one that did not is decided again. Either way the call is charged and recorded exactly once.
 */
class CommitFailureTest extends ApiTest {

    private void exactlyOnce(String when) {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), 10);
        Api client = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        Api.Res res = client.post("/api/v1/test-commit-failure/" + when + "?call=" + UUID.randomUUID(), Map.of());
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(res.data().get("credits_remaining").asLong()).isEqualTo(9);
        assertThat(balance(wallet)).isEqualTo(9);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(appId).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_transfers WHERE debit_account = ? AND kind = 'spend'").param(wallet)
                .query(Long.class).single()).isEqualTo(1);
        assertLedgerConsistent();
    }

    @Test
    void aBatchThatCommittedBeforeItsCommitFailedIsNotAppliedAgain() {
        exactlyOnce("after");
    }

    @Test
    void aBatchWhoseCommitFailedBeforeLandingIsDecidedAgain() {
        exactlyOnce("before");
    }
}
