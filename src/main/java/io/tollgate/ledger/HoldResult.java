package io.tollgate.ledger;

/** How a hold ended (captured, released or expired), and the wallet's balance after. */
public record HoldResult(String holdId, String status, long captured, long released, long balance) {}
