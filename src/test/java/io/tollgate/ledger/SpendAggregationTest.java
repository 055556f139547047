package io.tollgate.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** Spends staged with the same wallet and reference are one transfer; any other spend or hold is its own. */
class SpendAggregationTest extends ApiTest {
    @Autowired
    Wallets wallets;
    @Autowired
    TransactionTemplate transactions;

    @Test
    void spendsOfOneWalletAndReferenceAreOneTransfer() {
        String a = fundOrganization(createOrganization(), 100);
        String b = fundOrganization(createOrganization(), 100);
        transactions.executeWithoutResult(tx -> {
            LedgerSession session = wallets.lock(List.of(a, b));
            session.stage(Posting.spend(a, 3, "batch-1"));
            session.stage(Posting.spend(b, 5, "batch-1"));
            session.stage(Posting.spend(a, 4, "batch-1"));
            session.stage(Posting.spend(a, 7, "other"));
            session.stage(Posting.hold(a, 2, "batch-1", "hld_aggregation_" + a, java.time.Instant.now().plusSeconds(60)));
            session.stage(Posting.spend(a, 1, "batch-1"));
            session.finish();
        });
        assertThat(rows(a)).containsExactly("spend:8:batch-1", "spend:7:other", "hold:2:batch-1");
        assertThat(rows(b)).containsExactly("spend:5:batch-1");
        assertThat(wallets.balance(a)).isEqualTo(100 - 8 - 7 - 2);
        assertThat(wallets.balance(b)).isEqualTo(95);
        assertLedgerConsistent();
    }

    private List<String> rows(String wallet) {
        return jdbc.sql("SELECT kind || ':' || amount || ':' || reference FROM ledger_transfers WHERE debit_account = ? AND kind <> 'grant' ORDER BY id")
                .param(wallet).query(String.class).list();
    }
}
