package io.tollgate.ledger;

import java.time.Instant;

/** One immutable movement of credits between two accounts. */
public record Transfer(long id, String debitAccount, String creditAccount, long amount, String kind, String holdId,
                       String reference, String reason, Instant createdAt) {}
