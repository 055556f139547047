package io.tollgate.payments;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.StripeApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Credit purchases through Stripe against a local Stripe API, settled by webhooks signed with stripe-java's own code. */
class StripePaymentsTest extends StripeApiTest {

    record Purchase(String appId, Api app, String wallet, String paymentId, String intentId, JsonNode data) {}

    /** An organization buys 100 credits (USD 0.10 each = 1000 cents); Stripe has not confirmed yet. */
    private Purchase purchase() {
        String appId = createApp();
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        String wallet = fundOrganization(organizationOf(appId), 0);
        Api.Res res = app.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "stripe", "currency", "USD"));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        JsonNode data = res.data();
        return new Purchase(appId, app, wallet, data.get("id").asString(), data.get("provider_reference").asString(), data);
    }

    private String status(Purchase p) {
        return p.app().get("/api/v1/payments/status/" + p.paymentId()).data().get("status").asString();
    }

    private String succeeded(Purchase p) {
        return event("payment_intent.succeeded", paymentIntent(p.intentId(), p.paymentId(), 1000, "USD", "succeeded", null));
    }

    private long events(String type) {
        return jdbc.sql("SELECT count(*) FROM payment_events WHERE provider = 'stripe' AND type = ? AND payload LIKE ?")
                .params(type, "%" + type + "%").query(Long.class).single();
    }

    @Test
    void aPurchaseAnswersWhatStripeJsNeedsAndSuccessGrantsCreditsOnceHoweverOftenItIsDelivered() {
        Purchase p = purchase();
        assertThat(p.data().get("status").asString()).isEqualTo("pending");
        assertThat(p.intentId()).isEqualTo("pi_" + p.paymentId());
        assertThat(p.data().get("client_secret").asString()).isEqualTo("pi_" + p.paymentId() + "_secret_test");
        assertThat(p.data().get("publishable_key").asString()).isEqualTo(PUBLISHABLE_KEY);
        // The PaymentIntent is created once per payment: our id is Stripe's idempotency key and in its metadata.
        stripe().verify(1, postRequestedFor(urlEqualTo("/v1/payment_intents")).withHeader("Idempotency-Key", equalTo(p.paymentId())));
        Map<String, String> form = form(stripe().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/v1/payment_intents")).findFirst().orElseThrow().getRequest().getBodyAsString());
        assertThat(form).containsEntry("amount", "1000").containsEntry("currency", "usd").containsEntry("metadata[payment_id]", p.paymentId());
        // The client secret is given to the caller, never kept.
        assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE provider_data::text LIKE '%secret%'").query(Long.class).single()).isZero();
        assertThat(balance(p.wallet())).isZero();

        String success = succeeded(p);
        assertThat(deliverOk(success).data().get("outcome").asString()).isEqualTo("payment " + p.paymentId() + " succeeded");
        for (int i = 0; i < 9; i++) assertThat(deliverOk(success).data().get("outcome").asString()).isEqualTo("replayed");

        assertThat(balance(p.wallet())).isEqualTo(100);
        assertThat(status(p)).isEqualTo("succeeded");
        String eventId = Api.JSON.readTree(success).get("id").asString();
        assertThat(jdbc.sql("SELECT count(*) FROM payment_events WHERE event_id = ?").param(eventId).query(Long.class).single()).isEqualTo(1);
        assertLedgerConsistent();
    }

    @Test
    void aDeclinedAttemptLeavesThePaymentPendingSoAnotherCardCanStillPayIt() {
        Purchase p = purchase();
        Api.Res res = deliverOk(event("payment_intent.payment_failed",
                paymentIntent(p.intentId(), p.paymentId(), 1000, "USD", "requires_payment_method", "insufficient_funds")));
        assertThat(res.data().get("outcome").asString()).isEqualTo("payment " + p.paymentId() + " pending");
        JsonNode payment = p.app().get("/api/v1/payments/status/" + p.paymentId()).data();
        assertThat(payment.get("status").asString()).isEqualTo("pending");
        assertThat(payment.get("failure_code").asString()).isEqualTo("insufficient_funds"); // the client can say why, and ask for another card
        assertThat(balance(p.wallet())).isZero();
        stripe().verify(0, postRequestedFor(urlEqualTo("/v1/payment_intents/" + p.intentId() + "/cancel")));

        // The customer pays with another card on the same PaymentIntent: the money is credited, once.
        String success = succeeded(p);
        deliverOk(success);
        deliverOk(success);
        JsonNode paid = p.app().get("/api/v1/payments/status/" + p.paymentId()).data();
        assertThat(paid.get("status").asString()).isEqualTo("succeeded");
        assertThat(paid.get("failure_code").isNull()).isTrue();
        assertThat(balance(p.wallet())).isEqualTo(100);
        assertLedgerConsistent();
    }

    @Test
    void aRefundTakesBackUnspentCreditsAndRecordsSpentOnesAsDebtNeverANegativeBalance() {
        Purchase p = purchase();
        deliverOk(succeeded(p));
        assertThat(admin.post("/api/external-apps/" + p.appId() + "/features", Map.of("feature_name", "render", "pricing_type", "credit",
                "credit_cost", 30)).status()).isEqualTo(201);
        assertThat(p.app().post("/api/v1/test-meter/render", null).status()).isEqualTo(200);
        assertThat(balance(p.wallet())).isEqualTo(70);

        Api.Res res = deliverOk(event("charge.refunded", charge(p.intentId(), p.paymentId(), 1000, 1000)));
        assertThat(res.data().get("outcome").asString()).isEqualTo("refunded 1000 of 1000 (refunded)");
        assertThat(balance(p.wallet())).isZero();
        assertThat(jdbc.sql("SELECT coalesce(sum(amount - repaid), 0) FROM ledger_debts WHERE account_id = ?").param(p.wallet())
                .query(Long.class).single()).isEqualTo(30);
        assertThat(status(p)).isEqualTo("refunded");
        assertLedgerConsistent();
    }

    @Test
    void eventsOutOfOrderEndRightARefundBeforeTheSuccessSettlesItFirst() {
        Purchase p = purchase();
        // Half refunded, reported before Stripe's success event: the charge was paid, so 100 credits, then 50 back.
        assertThat(deliverOk(event("charge.refunded", charge(p.intentId(), p.paymentId(), 1000, 500))).data().get("outcome").asString())
                .isEqualTo("refunded 500 of 1000 (partially_refunded)");
        assertThat(balance(p.wallet())).isEqualTo(50);
        deliverOk(succeeded(p));
        assertThat(balance(p.wallet())).isEqualTo(50);
        assertThat(status(p)).isEqualTo("partially_refunded");
        // An older, smaller refund total arriving late changes nothing; the full one takes the rest.
        deliverOk(event("charge.refunded", charge(p.intentId(), p.paymentId(), 1000, 200)));
        assertThat(balance(p.wallet())).isEqualTo(50);
        deliverOk(event("charge.refunded", charge(p.intentId(), p.paymentId(), 1000, 1000)));
        assertThat(balance(p.wallet())).isZero();
        assertThat(status(p)).isEqualTo("refunded");
        assertLedgerConsistent();
    }

    @Test
    void aBadMissingOrStaleSignatureIs400AndChangesNothing() {
        Purchase p = purchase();
        String success = succeeded(p);
        long now = clock.instant().getEpochSecond();
        Api.Res wrongSecret = deliver(success, signature(success, "whsec_someone_else", now));
        assertThat(wrongSecret.status()).isEqualTo(400);
        assertThat(wrongSecret.errorCode()).isEqualTo("INVALID_SIGNATURE");
        assertThat(deliver(success, null).errorCode()).isEqualTo("INVALID_SIGNATURE");
        assertThat(deliver(success, "t=" + now + ",v1=00").status()).isEqualTo(400);
        assertThat(deliver(success, signature(success, WEBHOOK_SECRET, now - 301)).errorCode()).isEqualTo("INVALID_SIGNATURE");
        String tampered = success.replace("\"amount\": 1000", "\"amount\": 1");
        assertThat(deliver(tampered, signature(success, WEBHOOK_SECRET, now)).status()).isEqualTo(400);

        assertThat(status(p)).isEqualTo("pending");
        // While pending, a status check asks Stripe (the PaymentIntent still waits for the client).
        stripe().verify(getRequestedFor(urlEqualTo("/v1/payment_intents/" + p.intentId())));
        assertThat(balance(p.wallet())).isZero();
        String eventId = Api.JSON.readTree(success).get("id").asString();
        assertThat(jdbc.sql("SELECT count(*) FROM payment_events WHERE event_id = ?").param(eventId).query(Long.class).single()).isZero();
        // The same event, properly signed, still works.
        deliverOk(success);
        assertThat(balance(p.wallet())).isEqualTo(100);
    }

    @Test
    void anOperatorRefundGoesToStripeAndItsWebhookDoesNotRefundTwice() {
        Purchase p = purchase();
        deliverOk(succeeded(p));
        Api.Res refund = admin.post("/api/admin/payments/" + p.paymentId() + "/refund", Map.of("amount_minor", 500));
        assertThat(refund.status()).as(refund.toString()).isEqualTo(200);
        assertThat(refund.data().get("status").asString()).isEqualTo("partially_refunded");
        assertThat(form(stripe().getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals("/v1/refunds")).findFirst()
                .orElseThrow().getRequest().getBodyAsString())).containsEntry("payment_intent", p.intentId()).containsEntry("amount", "500");
        assertThat(balance(p.wallet())).isEqualTo(50);
        deliverOk(event("charge.refunded", charge(p.intentId(), p.paymentId(), 1000, 500)));
        assertThat(balance(p.wallet())).isEqualTo(50);
        assertLedgerConsistent();
    }

    @Test
    void unknownEventsAreStoredAndIgnored() {
        String payload = event("customer.created", "{\"id\": \"cus_123\", \"object\": \"customer\"}");
        assertThat(deliverOk(payload).data().get("outcome").asString()).isEqualTo("ignored");
        assertThat(events("customer.created")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aPaymentMethodIsConfirmedServerSideAndADeclineFailsThePayment() {
        stripe().stubFor(post(urlEqualTo("/v1/payment_intents")).withRequestBody(containing("payment_method=pm_card_visa")).willReturn(json("""
                {{formData request.body 'form' urlDecode=true}}{"id": "pi_{{lookup form 'metadata[payment_id]'}}", "object": "payment_intent",
                 "amount": {{form.amount}}, "currency": "usd", "status": "succeeded", "client_secret": "pi_x_secret_y",
                 "metadata": {"payment_id": "{{lookup form 'metadata[payment_id]'}}"}}""")));
        // Stripe answers a decline with the PaymentIntent it made, which would still take another card.
        stripe().stubFor(post(urlEqualTo("/v1/payment_intents")).withRequestBody(containing("payment_method=pm_card_chargeDeclined"))
                .willReturn(aResponse().withStatus(402).withHeader("Content-Type", "application/json").withTransformers("response-template")
                        .withBody("""
                        {"error": {"type": "card_error", "code": "card_declined", "decline_code": "generic_decline",
                         "message": "Your card was declined.", "payment_intent": {"id": "pi_declined_{{randomValue length=12 type='NUMERIC'}}",
                         "object": "payment_intent", "status": "requires_payment_method"}}}""")));
        String appId = createApp();
        Api app = appClient(appId);
        String wallet = fundOrganization(organizationOf(appId), 0);

        JsonNode paid = app.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "stripe", "currency", "USD",
                "payment_method_id", "pm_card_visa")).data();
        assertThat(paid.get("status").asString()).isEqualTo("succeeded");
        assertThat(balance(wallet)).isEqualTo(100);
        Map<String, String> form = form(stripe().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getBodyAsString().contains("pm_card_visa")).findFirst().orElseThrow().getRequest().getBodyAsString());
        assertThat(form).containsEntry("confirm", "true").containsEntry("payment_method", "pm_card_visa")
                .containsEntry("automatic_payment_methods[allow_redirects]", "never");

        JsonNode declined = app.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "stripe", "currency", "USD",
                "payment_method_id", "pm_card_chargeDeclined")).data();
        assertThat(declined.get("status").asString()).isEqualTo("failed");
        assertThat(declined.get("failure_code").asString()).isEqualTo("generic_decline");
        String declinedIntent = declined.get("provider_reference").asString();
        assertThat(declinedIntent).startsWith("pi_declined_");
        // Failed only once Stripe can no longer take money on that PaymentIntent.
        stripe().verify(1, postRequestedFor(urlEqualTo("/v1/payment_intents/" + declinedIntent + "/cancel"))
                .withHeader("Idempotency-Key", equalTo("cancel-" + declinedIntent)));
        assertThat(balance(wallet)).isEqualTo(100);
    }
}
