package io.tollgate.ledger;

import java.util.List;

/**
 * The ledger's invariants: every account's stored balance equals the sum of its transfers; all
 * accounts sum to zero; no wallet is negative; every pending hold is backed by the holds account;
 * no expiring lot claims more than its wallet holds.
 */
public record LedgerCheck(boolean ok, long accounts, long transfers, long sumOfBalances, long holdsOutstanding,
                          long holdsAccountBalance, List<Mismatch> mismatches, List<String> problems) {
    public record Mismatch(String accountId, long storedBalance, long postedBalance) {}
}
