package io.tollgate.ledger;

import java.time.Instant;

/**
 * A wallet movement decided by a caller holding the wallet's lock (see {@link LedgerSession}):
 * a spend to revenue, or a hold that reserves credits until captured or released.
 */
public record Posting(Kind kind, String walletId, long amount, String reference, String holdId, Instant holdExpiresAt) {
    public enum Kind { SPEND, HOLD }

    public static Posting spend(String walletId, long amount, String reference) {
        return new Posting(Kind.SPEND, walletId, amount, reference, null, null);
    }

    public static Posting hold(String walletId, long amount, String reference, String holdId, Instant expiresAt) {
        return new Posting(Kind.HOLD, walletId, amount, reference, holdId, expiresAt);
    }
}
