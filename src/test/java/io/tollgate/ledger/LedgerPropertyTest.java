package io.tollgate.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ClockedApiTest;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Property: whatever random sequence of grants (some expiring), spends, holds, captures, releases,
 * hold timeouts and lot expiries happens, after every step the ledger check passes, no wallet is
 * negative, and credits are conserved: issued = wallets + held + revenue + expired. A failure names
 * its seed and step, so it can be replayed.
 */
class LedgerPropertyTest extends ClockedApiTest {
    private static final int STEPS = 250;
    @Autowired
    Ledger ledger;
    @Autowired
    TransactionTemplate transactions;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void invariantsHoldForRandomSequences(long seed) {
        Random random = new Random(seed);
        List<String> wallets = List.of(fundOrganization(createOrganization(), 0), fundOrganization(createOrganization(), 0),
                fundOrganization(createOrganization(), 0));
        List<String> pending = new ArrayList<>();
        long issued = 0;
        long spent = 0;
        for (int step = 0; step < STEPS; step++) {
            String wallet = wallets.get(random.nextInt(wallets.size()));
            long amount = 1 + random.nextInt(40);
            String what = "seed " + seed + " step " + step;
            switch (random.nextInt(8)) {
                case 0, 1 -> {
                    boolean expires = random.nextBoolean();
                    ledger.grant(wallet, amount, "property", expires ? clock.instant().plus(Duration.ofMinutes(1 + random.nextInt(120))) : null, what);
                    issued += amount;
                }
                case 2 -> {
                    if (tryStage(wallet, amount, null)) spent += amount;
                }
                case 3 -> {
                    String holdId = Ids.next("hld");
                    if (tryStage(wallet, amount, holdId)) pending.add(holdId);
                }
                case 4 -> {
                    if (!pending.isEmpty()) {
                        String hold = pending.remove(random.nextInt(pending.size()));
                        long held = jdbc.sql("SELECT amount FROM ledger_holds WHERE id = ?").param(hold).query(Long.class).single();
                        try {
                            spent += ledger.capture(hold, random.nextLong(held + 1)).captured();
                        } catch (ApiException timedOut) {
                            assertThat(timedOut.code()).isEqualTo("HOLD_NOT_PENDING");
                        }
                    }
                }
                case 5 -> {
                    if (!pending.isEmpty()) {
                        try {
                            ledger.release(pending.remove(random.nextInt(pending.size())));
                        } catch (ApiException timedOut) {
                            assertThat(timedOut.code()).isEqualTo("HOLD_NOT_PENDING");
                        }
                    }
                }
                case 6 -> clock.advance(Duration.ofMinutes(random.nextInt(30)));
                default -> {
                    ledger.expireHolds(1_000);
                    ledger.expireLots(1_000);
                }
            }
            LedgerCheck check = ledger.check();
            assertThat(check.ok()).as(what + ": " + check.problems()).isTrue();
            long inWallets = 0;
            long held = 0;
            for (String w : wallets) {
                long balance = ledger.balance(w);
                assertThat(balance).as(what).isNotNegative();
                inWallets += balance;
                held += ledger.requireWallet(w).held();
            }
            // Sweeps are global (other tests' wallets too), so count only expiries out of this run's wallets.
            long expired = jdbc.sql("SELECT coalesce(sum(amount), 0) FROM ledger_transfers WHERE kind = 'expire' AND debit_account = ANY(?)")
                    .param(wallets.toArray(String[]::new)).query(Long.class).single();
            assertThat(inWallets + held + spent + expired).as(what + ": conservation").isEqualTo(issued);
        }
    }

    /** A spend (holdId null) or a hold, if the wallet can afford it; the ledger must refuse otherwise. */
    private boolean tryStage(String wallet, long amount, String holdId) {
        try {
            transactions.executeWithoutResult(tx -> {
                LedgerSession session = ledger.lock(List.of(wallet));
                session.stage(holdId == null ? Posting.spend(wallet, amount, "property")
                        : Posting.hold(wallet, amount, "property", holdId, clock.instant().plus(Duration.ofMinutes(20))));
                session.finish();
            });
            return true;
        } catch (IllegalStateException refused) {
            assertThat(refused.getMessage()).contains("exceeds spendable");
            return false;
        }
    }
}
