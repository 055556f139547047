package io.tollgate.payments;

import io.tollgate.platform.AfterCommit;
import io.tollgate.platform.ApiException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Refunds: an operator's, a provider's own (its running total, from a webhook), and the automatic
 * refund of money that bought nothing ({@link #refundLater}: tried right after the commit that found
 * it, then by the reconciler until done, or until the provider says it cannot). Two attempts at once
 * cannot refund twice: the provider's refund is keyed by what was refunded before.
 */
@Service
public class PaymentRefunds {
    private static final Logger log = LoggerFactory.getLogger(PaymentRefunds.class);
    private final Payments payments;
    private final PaymentStore store;
    private final RefundRecorder recorder;
    private final ProviderCalls calls;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final AfterCommit afterCommit;

    PaymentRefunds(Payments payments, PaymentStore store, RefundRecorder recorder, ProviderCalls calls, JdbcClient jdbc,
                   TransactionTemplate transactions, AfterCommit afterCommit) {
        this.afterCommit = afterCommit;
        this.payments = payments;
        this.store = store;
        this.recorder = recorder;
        this.calls = calls;
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /**
     * Refund at the provider; credits are taken back when the provider confirms (at once, or by its
     * refund event). requestKey: the caller's Idempotency-Key, if any — the provider's refund is keyed by
     * it, so a retry after a lost answer is the same refund; without one, by what was refunded before.
     */
    public Payment refund(String paymentId, long amountMinor, String requestKey) {
        Payment p = store.get(paymentId);
        if (p.status() != PaymentStatus.SUCCEEDED && p.status() != PaymentStatus.PARTIALLY_REFUNDED) {
            throw ApiException.conflict("PAYMENT_NOT_REFUNDABLE", "Only a succeeded payment can be refunded; this one is " + PaymentStore.lower(p.status()));
        }
        if (amountMinor <= 0 || amountMinor > p.amountMinor() - p.refundedMinor()) {
            throw ApiException.invalidField("amount_minor", "must be between 1 and the " + (p.amountMinor() - p.refundedMinor()) + " not yet refunded");
        }
        PaymentProvider provider = payments.provider(p.provider());
        String key = requestKey != null ? p.id() + "-refund-" + sha256(requestKey) : p.id() + "-refund-" + p.refundedMinor() + "-" + amountMinor;
        PaymentProvider.State state;
        try {
            state = calls.call(p.provider(), true, () -> provider.refund(p, amountMinor, key));
        } catch (ProviderException e) {
            throw new ApiException(e.retryable() ? HttpStatus.BAD_GATEWAY : HttpStatus.CONFLICT, e.code(), e.getMessage());
        }
        return state.refundedMinor() == null ? store.get(paymentId) : recordRefund(paymentId, state.refundedMinor());
    }

    /** The provider says this much of the payment is refunded in total; takes back credits in proportion. */
    public Payment recordRefund(String paymentId, long refundedTotalMinor) {
        return transactions.execute(tx -> {
            store.lock(paymentId);
            recorder.apply(paymentId, refundedTotalMinor);
            return store.get(paymentId);
        });
    }

    /**
     * Marks a succeeded payment as money for nothing, in the caller's transaction; it is refunded in
     * full right after that transaction commits, or later by the reconciler.
     */
    public void refundLater(String paymentId, String reason) {
        int marked = jdbc.sql("UPDATE payments SET refund_due_reason = ?, refund_due_error = NULL, updated_at = now() WHERE id = ? AND refund_due_reason IS NULL")
                .params(PaymentStore.truncate(reason, 200), paymentId).update();
        if (marked == 0) return;
        log.warn("Payment {} bought nothing ({}): refunding it", paymentId, reason);
        // Without a transaction (or if this one fails) the reconciler refunds it on its next pass.
        afterCommit.run("refund of " + paymentId, () -> refundDue(paymentId));
    }

    /** Refunds what is left of a payment marked by {@link #refundLater}. */
    public void refundDue(String paymentId) {
        Payment p = store.get(paymentId);
        if (p.refundDueReason() == null || p.refundDueError() != null) return;
        long left = p.amountMinor() - p.refundedMinor();
        try {
            if (left > 0 && p.status() != PaymentStatus.REFUNDED) refund(paymentId, left, "refund-due");
        } catch (ApiException e) {
            if (e.status().is5xxServerError()) {
                log.info("Refund of payment {} failed for now, will retry: {}", paymentId, e.getMessage());
                return;
            }
            // The provider cannot or will not refund it: an operator must (GET /api/admin/payments?refund_due=true).
            jdbc.sql("UPDATE payments SET refund_due_error = ?, updated_at = now() WHERE id = ?")
                    .params(PaymentStore.truncate(e.code() + ": " + e.getMessage(), 500), paymentId).update();
            log.warn("Payment {} must be refunded by an operator: {}", paymentId, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Refund of payment {} failed, will retry: {}", paymentId, e.getMessage());
        }
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Payments whose automatic refund is still to be made. */
    List<String> due(int limit) {
        return jdbc.sql("""
                SELECT id FROM payments WHERE refund_due_reason IS NOT NULL AND refund_due_error IS NULL
                AND status IN ('succeeded', 'partially_refunded') ORDER BY created_at LIMIT ?""").param(limit).query(String.class).list();
    }
}
