package io.tollgate.ledger;

import java.util.List;

/**
 * The ledger's invariants: every account's stored balance equals the sum of its transfers; all
 * accounts sum to zero; no wallet is negative; every pending hold is backed by the holds account;
 * a wallet's lots claim no more than its balance (held credits are not in a lot's remaining); a hold
 * drew from lots no more than it holds, only from its own wallet's lots, and only while pending.
 */
public record LedgerCheck(boolean ok, long accounts, long transfers, long sumOfBalances, long holdsOutstanding,
                          long holdsAccountBalance, List<Mismatch> mismatches, List<String> problems) {
    public record Mismatch(String accountId, long storedBalance, long postedBalance) {}
}
