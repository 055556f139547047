package io.tollgate.ledger;

import java.time.Instant;

/** Credits granted into a wallet: the transfer, the balance after it, and the lot when the grant expires. */
public record Grant(long transferId, String walletId, long amount, long balance, Instant expiresAt, String lotId) {}
