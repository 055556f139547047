package io.tollgate.billing;

import io.tollgate.payments.IdempotentRequests;
import io.tollgate.payments.PaymentStatus;
import io.tollgate.platform.ApiError;
import io.tollgate.platform.Envelope;
import java.util.Map;

/** The HTTP answer to a subscribe or change: 201/200 with the subscription, or 402 when its payment was declined at once. */
final class SubscriptionAnswers {
    private SubscriptionAnswers() {}

    static IdempotentRequests.Answer of(SubscriptionLifecycle.Result result, SubscriptionView views) {
        Map<String, Object> view = views.of(result);
        if (result.payment() != null && (result.payment().status() == PaymentStatus.FAILED || result.payment().status() == PaymentStatus.CANCELED)) {
            String message = "The payment failed" + (result.payment().failureMessage() == null ? "" : ": " + result.payment().failureMessage());
            return new IdempotentRequests.Answer(402, Envelope.error(new ApiError("PAYMENT_FAILED", message,
                    Map.of("failure_code", String.valueOf(result.payment().failureCode()), "subscription", view), Map.of())));
        }
        return new IdempotentRequests.Answer(result.created() ? 201 : 200, Envelope.ok(view));
    }
}
