package io.tollgate.payments.mpesa;

import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentProvider.State;
import io.tollgate.payments.Payments;
import io.tollgate.payments.ProviderName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a callback does, once. The event record, the facts kept and the settlement commit together:
 * a repeat finds the event and changes nothing, and a crash half-way leaves nothing behind, so the
 * status query or the reconciler still settle the payment. A paid callback for a CheckoutRequestID we
 * never heard (the push's answer was lost: a read timeout, a bare 5xx) is matched to the one pending
 * M-Pesa payment without a checkout id of the same phone and amount made shortly before; with none or
 * several, it is kept for an operator (GET /api/admin/payments/mpesa/unmatched-callbacks).
 */
@Component
@Conditional(MpesaConfigured.class)
class MpesaCallbacks {
    private static final Logger log = LoggerFactory.getLogger(MpesaCallbacks.class);
    static final String EVENT_TYPE = "stk_callback";
    /** Callbacks for checkout ids we do not know are kept apart, so they never block the real one. */
    static final String UNKNOWN_PREFIX = "unknown:";
    /** An STK prompt lasts about a minute; its callback follows within minutes of the push. */
    static final Duration MATCH_WINDOW = Duration.ofMinutes(30);

    private final Payments payments;
    private final TransactionTemplate transactions;
    private final Clock clock;

    MpesaCallbacks(Payments payments, TransactionTemplate transactions, Clock clock) {
        this.payments = payments;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The outcome, for logs and tests: succeeded, failed, amount_mismatch, replay, unknown_checkout_request. */
    String handle(StkCallback callback, String payload) {
        Optional<Payment> found = payments.byReference(ProviderName.MPESA, callback.checkoutRequestId()).or(() -> lostPush(callback));
        if (found.isEmpty()) {
            log.warn("M-Pesa callback for unknown CheckoutRequestID {} (ResultCode {}) stored for an operator",
                    callback.checkoutRequestId(), callback.resultCode());
            if (payments.recordEvent(ProviderName.MPESA, UNKNOWN_PREFIX + callback.checkoutRequestId(), EVENT_TYPE, payload)) {
                // unknown_paid: someone's money with no credits yet, listed for operators.
                payments.eventProcessed(ProviderName.MPESA, UNKNOWN_PREFIX + callback.checkoutRequestId(),
                        callback.succeeded() ? "unknown_paid" : "unknown_unpaid");
            }
            return "unknown_checkout_request";
        }
        Payment payment = found.get();
        return transactions.execute(tx -> {
            if (!payments.recordEvent(ProviderName.MPESA, callback.checkoutRequestId(), EVENT_TYPE, payload)) return "replay";
            String outcome = callback.succeeded() ? success(payment, callback) : failure(payment, callback);
            payments.eventProcessed(ProviderName.MPESA, callback.checkoutRequestId(), outcome);
            return outcome;
        });
    }

    /** The payment whose push answer was lost, if exactly one fits this paid callback; it gets the callback's checkout id. */
    private Optional<Payment> lostPush(StkCallback callback) {
        Long amount = callback.amountMinor();
        Optional<String> phone = PhoneNumbers.normalize(callback.metadataText("PhoneNumber"));
        if (!callback.succeeded() || amount == null || phone.isEmpty()) return Optional.empty();
        Instant now = clock.instant();
        List<Payment> candidates = payments.unreferenced(ProviderName.MPESA, phone.get(), amount, now.minus(MATCH_WINDOW), now.plusSeconds(1));
        if (candidates.size() != 1) return Optional.empty();
        Payment lost = candidates.getFirst();
        if (!payments.attachReference(lost.id(), callback.checkoutRequestId())) {
            return payments.byReference(ProviderName.MPESA, callback.checkoutRequestId()); // a twin callback matched it just now
        }
        log.warn("M-Pesa callback {} matched to payment {} (its push answer was lost) by phone and amount", callback.checkoutRequestId(), lost.id());
        payments.remember(lost.id(), Map.of("mpesa_matched_by", "phone_and_amount"));
        return Optional.of(payments.get(lost.id()));
    }

    private String success(Payment payment, StkCallback callback) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("mpesa_result_code", callback.resultCode());
        putIfPresent(facts, "mpesa_receipt_number", callback.metadataText("MpesaReceiptNumber"));
        putIfPresent(facts, "mpesa_phone_number", callback.metadataText("PhoneNumber"));
        putIfPresent(facts, "mpesa_transaction_date", callback.metadataText("TransactionDate"));
        Long paidMinor = callback.amountMinor();
        if (paidMinor == null || paidMinor != payment.amountMinor()) {
            // Unsigned callbacks are hints: one that disagrees is kept and flagged, never credited.
            // The payment stays pending; the status query (authenticated, at Daraja) decides it.
            facts.put("mpesa_amount_mismatch", true);
            facts.put("mpesa_callback_amount", callback.metadataText("Amount"));
            payments.remember(payment.id(), facts);
            log.warn("M-Pesa callback for payment {} says {} KES was paid, but the payment is {} minor units: not credited",
                    payment.id(), callback.metadataText("Amount"), payment.amountMinor());
            return "amount_mismatch: callback amount " + callback.metadataText("Amount") + ", payment amount_minor " + payment.amountMinor();
        }
        payments.remember(payment.id(), facts);
        payments.settle(payment.id(), State.succeeded());
        return "succeeded";
    }

    private String failure(Payment payment, StkCallback callback) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("mpesa_result_code", callback.resultCode());
        putIfPresent(facts, "mpesa_result_desc", callback.resultDesc());
        payments.remember(payment.id(), facts);
        State state = MpesaResults.state(callback.resultCode(), callback.resultDesc());
        payments.settle(payment.id(), state);
        return "failed: " + state.failureCode();
    }

    private static void putIfPresent(Map<String, Object> facts, String name, String value) {
        if (value != null) facts.put(name, value.length() <= 100 ? value : value.substring(0, 100));
    }
}
