package io.tollgate.payments;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.tollgate.Api;
import io.tollgate.StripeApiTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Giving up on a Stripe payment (the reconciler, after TOLLGATE_PAYMENTS_GIVE_UP_AFTER_HOURS): its
 * PaymentIntent is canceled at Stripe before the payment fails, and should Stripe still report it paid,
 * the money is credited, once.
 */
class StripeGiveUpTest extends StripeApiTest {
    @Autowired
    PaymentReconciler reconciler;

    record Purchase(Api app, String wallet, String paymentId, String intentId) {}

    private Purchase purchase() {
        String appId = createApp();
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        String wallet = fundOrganization(organizationOf(appId), 0);
        JsonNode data = app.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "stripe", "currency", "USD")).data();
        return new Purchase(app, wallet, data.get("id").asString(), data.get("provider_reference").asString());
    }

    private JsonNode payment(Purchase p) {
        return admin.get("/api/admin/payments/" + p.paymentId()).data();
    }

    /** Past the give-up age, then the reconciler until it has seen this payment (other tests' payments come first). */
    private JsonNode reconcileLater(Purchase p) {
        clock.advance(Duration.ofHours(25));
        JsonNode payment = payment(p);
        for (int i = 0; i < 10 && payment.get("status").asString().equals("pending"); i++) {
            reconciler.reconcile();
            payment = payment(p);
        }
        return payment;
    }

    private String succeeded(Purchase p) {
        return event("payment_intent.succeeded", paymentIntent(p.intentId(), p.paymentId(), 1000, "USD", "succeeded", null));
    }

    @Test
    void aPaymentGivenUpOnIsCanceledAtStripeFirstAndALateSuccessIsStillCreditedOnce() {
        Purchase p = purchase();
        deliverOk(event("payment_intent.payment_failed", paymentIntent(p.intentId(), p.paymentId(), 1000, "USD", "requires_payment_method",
                "insufficient_funds")));

        JsonNode failed = reconcileLater(p);
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("failure_code").asString()).isEqualTo("insufficient_funds"); // the last attempt's own reason
        stripe().verify(1, postRequestedFor(urlEqualTo("/v1/payment_intents/" + p.intentId() + "/cancel"))
                .withHeader("Idempotency-Key", equalTo("cancel-" + p.intentId())));
        assertThat(balance(p.wallet())).isZero();

        // Stripe says it was paid after all (it took the money as we canceled): honoured, once.
        String success = succeeded(p);
        assertThat(deliverOk(success).data().get("outcome").asString()).isEqualTo("payment " + p.paymentId() + " succeeded");
        deliverOk(success);
        deliverOk(event("payment_intent.succeeded", paymentIntent(p.intentId(), p.paymentId(), 1000, "USD", "succeeded", null)));
        JsonNode paid = payment(p);
        assertThat(paid.get("status").asString()).isEqualTo("succeeded");
        assertThat(paid.get("provider_data").get("late_success_after").asString()).isEqualTo("failed");
        assertThat(balance(p.wallet())).isEqualTo(100);
        assertThat(admin.get("/api/admin/wallets/" + p.wallet() + "/transfers").data()).hasSize(1);
        assertLedgerConsistent();
    }

    @Test
    void aPaymentStripeTookWhileWeWereCancelingSucceeds() {
        Purchase p = purchase();
        String url = "/v1/payment_intents/" + p.intentId();
        // Waiting when the reconciler asks; paid by the time it cancels, so Stripe refuses the cancel.
        stripe().stubFor(get(urlEqualTo(url)).inScenario(p.intentId()).whenScenarioStateIs(STARTED).willSetStateTo("paid").willReturn(json(
                "{\"id\": \"" + p.intentId() + "\", \"object\": \"payment_intent\", \"status\": \"requires_payment_method\"}")));
        stripe().stubFor(get(urlEqualTo(url)).inScenario(p.intentId()).whenScenarioStateIs("paid").willReturn(json(
                "{\"id\": \"" + p.intentId() + "\", \"object\": \"payment_intent\", \"status\": \"succeeded\"}")));
        stripe().stubFor(post(urlEqualTo(url + "/cancel")).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"type\": \"invalid_request_error\", \"code\": \"payment_intent_unexpected_state\","
                        + " \"message\": \"You cannot cancel this PaymentIntent because it has a status of succeeded.\"}}")));

        JsonNode after = reconcileLater(p);
        assertThat(after.get("status").asString()).isEqualTo("succeeded");
        assertThat(balance(p.wallet())).isEqualTo(100);
        assertLedgerConsistent();
    }

    @Test
    void aPaymentStaysPendingWhileStripeCannotCancelIt() {
        Purchase p = purchase();
        String cancel = "/v1/payment_intents/" + p.intentId() + "/cancel";
        StubMapping failing = stripe().stubFor(post(urlEqualTo(cancel)).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": {\"type\": \"api_error\", \"message\": \"Something went wrong\"}}")));
        clock.advance(Duration.ofHours(25));
        for (int i = 0; i < 10 && stripe().countRequestsMatching(postRequestedFor(urlEqualTo(cancel)).build()).getCount() == 0; i++) {
            reconciler.reconcile();
        }
        assertThat(stripe().countRequestsMatching(postRequestedFor(urlEqualTo(cancel)).build()).getCount()).isEqualTo(ProviderCalls.MAX_ATTEMPTS);
        assertThat(payment(p).get("status").asString()).isEqualTo("pending"); // not failed while Stripe could still take the money

        stripe().removeStub(failing);
        stripe().resetRequests();
        for (int i = 0; i < 10 && payment(p).get("status").asString().equals("pending"); i++) reconciler.reconcile();
        assertThat(payment(p).get("status").asString()).isEqualTo("failed");
        assertThat(payment(p).get("failure_code").asString()).isEqualTo("provider_timeout");
        stripe().verify(1, postRequestedFor(urlEqualTo(cancel)));
    }
}
