package io.tollgate.payments.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Stripe's webhook. The signature (Stripe-Signature, HMAC-SHA256 of the raw body under
 * STRIPE_WEBHOOK_SECRET, at most 5 minutes old) is checked by stripe-java before anything is read; a
 * bad or missing one is 400 and changes nothing. The answer is quick: the handler only writes to
 * PostgreSQL. A non-2xx answer makes Stripe deliver the event again later.
 */
@RestController
@Conditional(StripeConfigured.class)
@Tag(name = "Webhooks")
class StripeWebhookController {
    private final StripeSettings settings;
    private final StripeWebhookProcessor processor;
    private final Clock clock;
    private final Json json;

    StripeWebhookController(StripeSettings settings, StripeWebhookProcessor processor, Clock clock, Json json) {
        this.settings = settings;
        this.processor = processor;
        this.clock = clock;
        this.json = json;
    }

    @PostMapping("/webhooks/stripe")
    @Operation(summary = "Stripe events", description = "Signed by Stripe (Stripe-Signature). Handles payment_intent.succeeded, "
            + "payment_intent.payment_failed, payment_intent.canceled, charge.refunded, invoice.paid, invoice.payment_failed, "
            + "invoice_payment.paid, customer.subscription.created/updated/deleted; other types are stored and ignored. Each event id is "
            + "processed once. Written for API version " + com.stripe.Stripe.API_VERSION + " (the endpoint's version); older versions' "
            + "subscription periods and invoice fields are read too.")
    Envelope<Map<String, Object>> receive(@RequestBody(required = false) byte[] body,
                                          @RequestHeader(name = "Stripe-Signature", required = false) String signature) {
        if (settings.webhookSecret.isEmpty()) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "WEBHOOK_NOT_CONFIGURED", "STRIPE_WEBHOOK_SECRET is not set on this server");
        }
        if (signature == null || signature.isBlank()) throw invalidSignature("The Stripe-Signature header is missing");
        if (body == null || body.length == 0) throw invalidSignature("The body is empty");
        String payload = new String(body, StandardCharsets.UTF_8);
        Event event;
        try {
            event = Webhook.constructEvent(payload, signature, settings.webhookSecret, StripeSettings.WEBHOOK_TOLERANCE_SECONDS, clock);
        } catch (SignatureVerificationException e) {
            throw invalidSignature("The Stripe-Signature does not match this body, or is too old");
        } catch (RuntimeException e) { // gson's parse errors: signed, but not an event
            throw new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "The body is not a Stripe event");
        }
        if (event.getId() == null || event.getType() == null || event.getId().length() > 255 || event.getType().length() > 100) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "The event has no usable id or type");
        }
        // Signed, but not what Stripe sends: answered, never a 500 (which Stripe would retry for days).
        if (event.getCreated() == null || !(StripeObjects.child(json.readMap(payload), "data").get("object") instanceof Map<?, ?>)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "The event has no created time or no data.object");
        }
        if (payload.indexOf('\0') >= 0) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "The body contains a NUL character");
        }
        String outcome;
        try {
            outcome = processor.process(event, payload);
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", e.getMessage());
        }
        return Envelope.ok(Map.of("received", true, "event_id", event.getId(), "outcome", outcome));
    }

    private static ApiException invalidSignature(String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "INVALID_SIGNATURE", message);
    }
}
