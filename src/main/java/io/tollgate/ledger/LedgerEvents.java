package io.tollgate.ledger;

import java.time.Instant;
import java.util.List;

/**
 * Published inside the transaction that moves the credits, so a listener's writes (a webhook's outbox
 * row) commit with the movement or not at all.
 */
public final class LedgerEvents {
    private LedgerEvents() {}

    /** Whose wallet: an end user of an app, or an organization (appId null). */
    public record WalletRef(String walletId, WalletOwner ownerType, String ownerId, String appId) {}

    /** purchase: bought through a payment (reference is the payment id); otherwise an operator's or a plan's grant. */
    public record Granted(WalletRef wallet, long credits, long balance, String reason, String reference, Instant expiresAt,
                          boolean purchase) {}

    /** What was left of expired grants left the wallet. */
    public record Expired(WalletRef wallet, long credits, long balance) {}

    /**
     * Balances went down (spends and holds of a metering batch, refunds, expiry): one event per write,
     * each wallet's balance before and after, so a listener can tell when one crosses a threshold
     * without asking the database.
     */
    public record Lowered(List<Change> changes) {}

    public record Change(WalletRef wallet, long before, long after) {}
}
