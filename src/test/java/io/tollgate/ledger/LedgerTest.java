package io.tollgate.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.ClockedApiTest;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** Holds (capture, release, timeout) and expiring grants, through the ledger's own API. */
class LedgerTest extends ClockedApiTest {
    @Autowired
    Wallets wallets;
    @Autowired
    Grants grants;
    @Autowired
    Holds holds;
    @Autowired
    LotExpiry lotExpiry;
    @Autowired
    LedgerInvariants invariants;
    @Autowired
    TransactionTemplate transactions;

    private String wallet(long credits) {
        return fundOrganization(createOrganization(), credits);
    }

    private String hold(String wallet, long amount, Duration ttl) {
        String holdId = Ids.next("hld");
        transactions.executeWithoutResult(tx -> {
            LedgerSession session = wallets.lock(List.of(wallet));
            session.stage(Posting.hold(wallet, amount, "test", holdId, clock.instant().plus(ttl)));
            session.finish();
        });
        return holdId;
    }

    private void spend(String wallet, long amount) {
        transactions.executeWithoutResult(tx -> {
            LedgerSession session = wallets.lock(List.of(wallet));
            session.stage(Posting.spend(wallet, amount, "test"));
            session.finish();
        });
    }

    /** Found by the property test: a refund that took expiring credits left their lot claiming credits no longer there. */
    @Test
    void aRefundBeyondTheCreditsWithoutExpiryTakesTheRestFromTheLots() {
        String wallet = wallet(0);
        grants.grantPurchase(wallet, 10, "pay_refunded");
        grants.grant(wallet, 5, "promo", clock.instant().plus(Duration.ofDays(1)), null);
        Refund refund = grants.refund(wallet, 12, "pay_refunded");
        assertThat(refund.takenBack()).isEqualTo(12);
        assertThat(wallets.balance(wallet)).isEqualTo(3);
        assertThat(jdbc.sql("SELECT sum(remaining) FROM ledger_lots WHERE account_id = ?").param(wallet).query(Long.class).single()).isEqualTo(3);
        assertThat(invariants.check().ok()).isTrue();
    }

    @Test
    void holdsReserveThenCaptureOrRelease() {
        String wallet = wallet(100);
        String captured = hold(wallet, 30, Duration.ofMinutes(5));
        Wallet during = wallets.requireWallet(wallet);
        assertThat(during.balance()).isEqualTo(70);
        assertThat(during.held()).isEqualTo(30);
        assertLedgerConsistent();

        HoldResult result = holds.capture(captured, 20);
        assertThat(result.captured()).isEqualTo(20);
        assertThat(result.released()).isEqualTo(10);
        assertThat(wallets.balance(wallet)).isEqualTo(80);
        assertThatThrownBy(() -> holds.capture(captured, 5)).isInstanceOf(ApiException.class).hasMessageContaining("already captured");

        String released = hold(wallet, 80, Duration.ofMinutes(5));
        assertThat(wallets.balance(wallet)).isZero();
        assertThatThrownBy(() -> spend(wallet, 1)).hasMessageContaining("exceeds spendable");
        holds.release(released);
        assertThat(wallets.balance(wallet)).isEqualTo(80);
        assertThat(wallets.requireWallet(wallet).held()).isZero();
        assertLedgerConsistent();
    }

    @Test
    void holdsPastTheirTimeAreReleasedBySweep() {
        String wallet = wallet(50);
        String hold = hold(wallet, 50, Duration.ofSeconds(30));
        holds.expireHolds(1_000);
        assertThat(wallets.balance(wallet)).as("not yet due").isZero();
        clock.advance(Duration.ofSeconds(31));
        holds.expireHolds(1_000);
        assertThat(wallets.balance(wallet)).isEqualTo(50);
        assertThatThrownBy(() -> holds.capture(hold, 50)).hasMessageContaining("expired");
        assertLedgerConsistent();
    }

    @Test
    void expiringGrantsAreSpentFirstAndOnlyTheirRestExpires() {
        String wallet = wallet(5); // 5 that never expire
        grants.grant(wallet, 10, "promo", clock.instant().plus(Duration.ofDays(1)), "promo-1");
        grants.grant(wallet, 4, "later promo", clock.instant().plus(Duration.ofDays(2)), "promo-2");
        spend(wallet, 12); // takes 10 from the first lot, 2 from the second
        assertThat(wallets.balance(wallet)).isEqualTo(7);
        clock.advance(Duration.ofDays(1).plusMinutes(1));
        lotExpiry.expireLots(1_000);
        assertThat(wallets.balance(wallet)).as("the first lot was already spent").isEqualTo(7);
        clock.advance(Duration.ofDays(1));
        lotExpiry.expireLots(1_000);
        assertThat(wallets.balance(wallet)).as("2 left of the second lot expire").isEqualTo(5);
        assertLedgerConsistent();
    }

    @Test
    void anExpiredButUnsweptGrantCannotBeSpent() {
        String wallet = wallet(0);
        grants.grant(wallet, 10, "promo", clock.instant().plus(Duration.ofHours(1)), "promo-3");
        clock.advance(Duration.ofHours(2));
        assertThatThrownBy(() -> spend(wallet, 1)).hasMessageContaining("exceeds spendable 0");
        lotExpiry.expireLots(1_000);
        assertThat(wallets.balance(wallet)).isZero();
    }

    @Test
    void creditsHeldFromALotThatExpiresMeanwhileExpireWhenReleased() {
        String wallet = wallet(0);
        grants.grant(wallet, 10, "promo", clock.instant().plus(Duration.ofHours(1)), "promo-4");
        String hold = hold(wallet, 10, Duration.ofHours(5));
        clock.advance(Duration.ofHours(2));
        lotExpiry.expireLots(1_000); // nothing to take: the credits are held
        assertThat(wallets.requireWallet(wallet).held()).isEqualTo(10);
        holds.release(hold);
        assertThat(wallets.balance(wallet)).isEqualTo(10);
        lotExpiry.expireLots(1_000);
        assertThat(wallets.balance(wallet)).isZero();
        assertLedgerConsistent();
    }

    /**
     * Issue 11.1: the hold drew on the expiring grant (soonest-expiring first, as a spend would), so the
     * grant's expiry leaves the held credits alone and the capture spends them: 100 remain, as after a
     * plain spend. Before the fix the sweep expired the lot's whole remainder out of the free balance
     * and the capture then took the job's price again from the credits that never expire (90).
     */
    @Test
    void aHoldOnAnExpiringGrantThatExpiresWhilePendingCapturesTheGrantsCredits() {
        String wallet = wallet(100); // 100 that never expire
        grants.grant(wallet, 10, "promo", clock.instant().plus(Duration.ofHours(1)), "promo-11-1");
        String hold = hold(wallet, 10, Duration.ofHours(5)); // a media job
        clock.advance(Duration.ofHours(2));
        lotExpiry.expireLots(1_000);
        assertThat(wallets.balance(wallet)).as("the held credits are the grant's; nothing else expires").isEqualTo(100);
        holds.capture(hold, 10);
        assertThat(wallets.balance(wallet)).isEqualTo(100);
        assertThat(wallets.requireWallet(wallet).held()).isZero();
        assertLedgerConsistent();
    }

    /** A partial capture spends the hold's lot credits first (as a spend would have), and gives back credits without expiry. */
    @Test
    void aPartialCaptureSpendsTheHeldLotCreditsFirst() {
        String wallet = wallet(100);
        grants.grant(wallet, 10, "promo", clock.instant().plus(Duration.ofHours(1)), "promo-partial");
        String hold = hold(wallet, 30, Duration.ofHours(5)); // 10 from the lot, 20 without expiry
        assertThat(jdbc.sql("SELECT sum(remaining) FROM ledger_lots WHERE account_id = ?").param(wallet).query(Long.class).single())
                .as("held lot credits leave the lot's remaining").isZero();
        HoldResult result = holds.capture(hold, 15);
        assertThat(result.released()).isEqualTo(15);
        assertThat(wallets.balance(wallet)).isEqualTo(95);
        clock.advance(Duration.ofHours(2));
        lotExpiry.expireLots(1_000);
        assertThat(wallets.balance(wallet)).as("the lot was spent by the capture: nothing expires").isEqualTo(95);
        assertLedgerConsistent();
    }

    @Test
    void transfersAreImmutable() {
        String wallet = wallet(3);
        assertThatThrownBy(() -> jdbc.sql("UPDATE ledger_transfers SET amount = 1000 WHERE credit_account = ?").param(wallet).update())
                .hasMessageContaining("immutable");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM ledger_transfers WHERE credit_account = ?").param(wallet).update())
                .hasMessageContaining("immutable");
        assertThatThrownBy(() -> jdbc.sql("UPDATE ledger_accounts SET balance = -1 WHERE id = ?").param(wallet).update())
                .hasMessageContaining("wallet_balance_never_negative");
    }
}
