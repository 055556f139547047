package io.tollgate.payments.stripe;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import java.util.Map;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * /webhooks/stripe on a server without STRIPE_SECRET_KEY: the same answer as with Stripe on but no
 * webhook secret, 503 WEBHOOK_NOT_CONFIGURED, rather than a bare 404 that reads like a wrong URL. A
 * non-2xx answer makes Stripe deliver the event again later, so events sent before Stripe is set up
 * here are not lost; nothing is read or stored.
 */
@RestController
@Conditional(StripeConfigured.Off.class)
@Tag(name = "Webhooks")
class StripeWebhookUnconfigured {

    @PostMapping("/webhooks/stripe")
    @Operation(summary = "Stripe events (Stripe is off on this server)",
            description = "503 WEBHOOK_NOT_CONFIGURED until STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set; nothing is stored.")
    Envelope<Map<String, Object>> receive() {
        throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "WEBHOOK_NOT_CONFIGURED",
                "Stripe is not configured on this server: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET");
    }
}
