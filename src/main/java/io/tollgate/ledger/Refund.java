package io.tollgate.ledger;

/** What a refund took back from the wallet, and what it recorded as debt (credits already spent). */
public record Refund(long takenBack, long debt) {}
