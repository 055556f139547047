package io.tollgate.payments.stripe;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/** STRIPE_* settings. The secret key never leaves this object and the Stripe client. */
@Component
@Conditional(StripeConfigured.class)
class StripeSettings {
    /** Stripe's own default; a webhook older than this is refused, so a captured one cannot be replayed later. */
    static final long WEBHOOK_TOLERANCE_SECONDS = 300;
    final String secretKey;
    final String webhookSecret;
    final String publishableKey;
    final String apiBase;
    final int connectTimeoutMillis;
    final int readTimeoutMillis;

    StripeSettings(@Value("${tollgate.stripe.secret-key}") String secretKey,
                   @Value("${tollgate.stripe.webhook-secret}") String webhookSecret,
                   @Value("${tollgate.stripe.publishable-key}") String publishableKey,
                   @Value("${tollgate.stripe.api-base}") String apiBase,
                   @Value("${tollgate.stripe.connect-timeout-millis}") int connectTimeoutMillis,
                   @Value("${tollgate.stripe.read-timeout-millis}") int readTimeoutMillis) {
        this.secretKey = secretKey.trim();
        this.webhookSecret = webhookSecret.trim();
        this.publishableKey = publishableKey.trim();
        this.apiBase = apiBase.trim();
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
    }
}
