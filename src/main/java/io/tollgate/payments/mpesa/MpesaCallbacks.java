package io.tollgate.payments.mpesa;

import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentProvider.State;
import io.tollgate.payments.Payments;
import io.tollgate.payments.ProviderName;
import java.util.LinkedHashMap;
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
 * status query or the reconciler still settle the payment.
 */
@Component
@Conditional(MpesaConfigured.class)
class MpesaCallbacks {
    private static final Logger log = LoggerFactory.getLogger(MpesaCallbacks.class);
    static final String EVENT_TYPE = "stk_callback";
    /** Callbacks for checkout ids we do not know are kept apart, so they never block the real one. */
    static final String UNKNOWN_PREFIX = "unknown:";

    private final Payments payments;
    private final TransactionTemplate transactions;

    MpesaCallbacks(Payments payments, TransactionTemplate transactions) {
        this.payments = payments;
        this.transactions = transactions;
    }

    /** The outcome, for logs and tests: succeeded, failed, amount_mismatch, replay, unknown_checkout_request. */
    String handle(StkCallback callback, String payload) {
        Optional<Payment> found = payments.byReference(ProviderName.MPESA, callback.checkoutRequestId());
        if (found.isEmpty()) {
            log.warn("M-Pesa callback for unknown CheckoutRequestID {} (ResultCode {}) stored for an operator",
                    callback.checkoutRequestId(), callback.resultCode());
            if (payments.recordEvent(ProviderName.MPESA, UNKNOWN_PREFIX + callback.checkoutRequestId(), EVENT_TYPE, payload)) {
                payments.eventProcessed(ProviderName.MPESA, UNKNOWN_PREFIX + callback.checkoutRequestId(), "unknown_checkout_request");
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
