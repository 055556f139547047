package io.tollgate.ledger;

/** A hold as it stands: its wallet (after any merge), amount and status (pending, captured, released, expired). */
public record Hold(String id, String walletId, long amount, String status) {
    public boolean pending() {
        return "pending".equals(status);
    }
}
