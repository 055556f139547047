package io.tollgate.payments;

/** Published inside the transaction that settles a payment, so listeners' changes commit with it. */
public final class PaymentEvents {
    private PaymentEvents() {}

    public record Succeeded(Payment payment) {}
    public record Failed(Payment payment) {}
    /** refundedNowMinor: the part of this refund not seen before. */
    public record Refunded(Payment payment, long refundedNowMinor) {}
}
