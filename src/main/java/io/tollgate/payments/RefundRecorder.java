package io.tollgate.payments;

import io.tollgate.ledger.Grants;
import java.sql.Timestamp;
import java.time.Clock;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Applies a provider's running refund total to a locked payment, inside the caller's transaction:
 * credits back in proportion (spent ones become a ledger debt), the part not seen before dated now in
 * payment_refunds, and PaymentEvents.Refunded. A total already seen changes nothing.
 */
@Component
class RefundRecorder {
    private final JdbcClient jdbc;
    private final PaymentStore store;
    private final Grants grants;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    RefundRecorder(JdbcClient jdbc, PaymentStore store, Grants grants, ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.store = store;
        this.grants = grants;
        this.events = events;
        this.clock = clock;
    }

    void apply(String paymentId, long refundedTotalMinor) {
        Payment p = store.get(paymentId);
        if (p.status() != PaymentStatus.SUCCEEDED && p.status() != PaymentStatus.PARTIALLY_REFUNDED && p.status() != PaymentStatus.REFUNDED) return;
        long total = Math.min(refundedTotalMinor, p.amountMinor());
        if (total <= p.refundedMinor()) return; // already seen (events may come twice or out of order)
        long creditsDue = total == p.amountMinor() ? p.credits() : Math.floorDiv(p.credits() * total, p.amountMinor());
        long creditsNow = Math.max(0, creditsDue - p.creditsRefunded());
        if (p.purpose() == PaymentPurpose.CREDIT_PURCHASE && creditsNow > 0) grants.refund(p.walletId(), creditsNow, p.id());
        jdbc.sql("UPDATE payments SET refunded_minor = ?, credits_refunded = credits_refunded + ?, status = ?, updated_at = now() WHERE id = ?")
                .params(total, creditsNow, total == p.amountMinor() ? "refunded" : "partially_refunded", paymentId).update();
        jdbc.sql("INSERT INTO payment_refunds (payment_id, amount_minor, refunded_at) VALUES (?, ?, ?)")
                .params(paymentId, total - p.refundedMinor(), Timestamp.from(clock.instant())).update();
        events.publishEvent(new PaymentEvents.Refunded(store.get(paymentId), total - p.refundedMinor()));
    }
}
