package io.tollgate.billing;

import io.tollgate.keys.AppCaller;
import io.tollgate.metering.Plan;
import io.tollgate.payments.Payments;
import io.tollgate.payments.ProviderName;
import io.tollgate.payments.SandboxPolicy;
import io.tollgate.platform.ApiException;
import org.springframework.http.HttpStatus;

/** Which provider pays a subscription, checked before anything is recorded. */
final class PaymentMethods {
    private PaymentMethods() {}

    static String choose(SubscriptionLifecycle.Order order, Plan plan, Payments payments, boolean stripeAvailable, SandboxPolicy sandbox) {
        if (plan.priceMinor() == 0) return "none";
        String method = order.paymentMethod();
        if (order.paymentMethodId() != null) {
            if (method != null && !method.equals("stripe")) {
                throw ApiException.invalidField("payment_method_id", "is a Stripe payment method; leave payment_method out or make it stripe");
            }
            method = "stripe";
        }
        if (method == null) {
            throw ApiException.invalidField("payment_method", "is required: sandbox, mpesa or stripe (or a Stripe payment_method_id)");
        }
        return check(method, order.phoneNumber(), plan.currency(), payments, stripeAvailable, sandbox, order.caller());
    }

    /** caller: whose key asks (the sandbox is for test keys); null for an operator. */
    static String check(String method, String phoneNumber, String currency, Payments payments, boolean stripeAvailable, SandboxPolicy sandbox,
                        AppCaller caller) {
        switch (method) {
            case "mpesa" -> {
                if (phoneNumber == null) throw ApiException.invalidField("phone_number", "is required for M-Pesa");
                if (!"KES".equals(currency)) throw ApiException.invalidField("plan_id", "is priced in " + currency + "; M-Pesa takes KES only");
                payments.provider(ProviderName.MPESA);
            }
            case "sandbox" -> {
                payments.provider(ProviderName.SANDBOX);
                if (caller != null) sandbox.check(ProviderName.SANDBOX, caller);
            }
            case "stripe" -> {
                if (!stripeAvailable) {
                    throw new ApiException(HttpStatus.BAD_REQUEST, "PAYMENT_METHOD_UNAVAILABLE", "stripe is not configured on this server");
                }
            }
            default -> throw ApiException.invalidField("payment_method", "must be sandbox, mpesa or stripe");
        }
        return method;
    }
}
