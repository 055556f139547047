package io.tollgate.payments.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.net.RequestOptions;
import io.tollgate.payments.ProviderCalls;
import io.tollgate.payments.ProviderException;
import io.tollgate.payments.ProviderName;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * The one way to Stripe. Stripe's exceptions become {@link ProviderException}s: retryable for network
 * errors, 429, 409 (Stripe's lock timeout) and 5xx; a decline or a bad request is an answer, not a
 * failure. Each call goes through {@link ProviderCalls} exactly once: {@link #call} wraps it (Stripe
 * Billing, which nothing else guards); {@link #direct} does not, for the PaymentProvider methods that
 * Payments already calls through ProviderCalls. Retried calls carry an idempotency key.
 */
@Component
@Conditional(StripeConfigured.class)
class StripeGateway {
    private final StripeClient client;
    private final ProviderCalls calls;

    StripeGateway(StripeSettings settings, ProviderCalls calls) {
        // stripe-java's own retries are off: ProviderCalls retries, and only what is safe to repeat.
        this.client = StripeClient.builder().setApiKey(settings.secretKey).setApiBase(settings.apiBase)
                .setConnectTimeout(settings.connectTimeoutMillis).setReadTimeout(settings.readTimeoutMillis)
                .setMaxNetworkRetries(0).build();
        this.calls = calls;
    }

    interface Call<T> {
        T run(StripeClient client) throws StripeException;
    }

    /** Guarded by ProviderCalls: time limit, circuit breaker, retries when idempotent. */
    <T> T call(boolean idempotent, Call<T> call) {
        return calls.call(ProviderName.STRIPE, idempotent, () -> direct(call));
    }

    /** Unguarded: only inside a call that ProviderCalls already guards. */
    <T> T direct(Call<T> call) {
        try {
            return call.run(client);
        } catch (StripeException e) {
            throw translate(e);
        }
    }

    static RequestOptions idempotent(String key) {
        return RequestOptions.builder().setIdempotencyKey(key).build();
    }

    static ProviderException translate(StripeException e) {
        String message = e.getStripeError() != null && e.getStripeError().getMessage() != null ? e.getStripeError().getMessage() : e.getMessage();
        if (e instanceof CardException card) {
            String code = card.getDeclineCode() != null ? card.getDeclineCode() : card.getCode() != null ? card.getCode() : "card_declined";
            return new ProviderException(false, code, message, e);
        }
        if (e instanceof RateLimitException) return new ProviderException(true, "stripe_rate_limited", message, e);
        if (e instanceof ApiConnectionException) return new ProviderException(true, "stripe_unreachable", message, e);
        if (e instanceof IdempotencyException) return new ProviderException(false, "stripe_idempotency_conflict", message, e);
        Integer status = e.getStatusCode();
        boolean retryable = status == null || status >= 500 || status == 409;
        return new ProviderException(retryable, e.getCode() != null ? e.getCode() : "stripe_error", message, e);
    }
}
