package io.tollgate.payments;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.tollgate.Api;
import io.tollgate.StripeApiTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Stripe calls through ProviderCalls, once each: retries with the same idempotency key, a breaker that opens, a time limit. */
class StripeResilienceTest extends StripeApiTest {

    private Api app() {
        String appId = createApp();
        return appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
    }

    private static String fiveHundred() {
        return "{\"error\": {\"type\": \"api_error\", \"message\": \"Something went wrong on Stripe's end\"}}";
    }

    @Test
    void aFailedIdempotentCallIsRetriedOnceWithTheSameIdempotencyKey() {
        stripe().stubFor(post(urlEqualTo("/v1/payment_intents")).inScenario("flaky").whenScenarioStateIs(STARTED).willSetStateTo("up")
                .atPriority(1).willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json").withBody(fiveHundred())));
        Api.Res res = app().post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "stripe", "currency", "USD"));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        String paymentId = res.data().get("id").asString();
        assertThat(res.data().get("provider_reference").asString()).isEqualTo("pi_" + paymentId);

        List<LoggedRequest> creates = stripe().findAll(postRequestedFor(urlEqualTo("/v1/payment_intents")));
        assertThat(creates).hasSize(2); // once wrapped: one retry, not a retry of retries
        assertThat(creates).allSatisfy(r -> assertThat(r.getHeader("Idempotency-Key")).isEqualTo(paymentId));
    }

    @Test
    void theBreakerCountsEachAttemptOnceOpensAndThenFailsFast() {
        Api app = app();
        String paymentId = app.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "stripe", "currency", "USD"))
                .data().get("id").asString();
        String intent = "/v1/payment_intents/pi_" + paymentId;
        stripe().stubFor(get(urlEqualTo(intent)).atPriority(1).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody(fiveHundred())));
        CircuitBreaker breaker = breakers.find("stripe").orElseThrow();
        long failedBefore = breaker.getMetrics().getNumberOfFailedCalls();

        assertThat(app.get("/api/v1/payments/status/" + paymentId).data().get("status").asString()).isEqualTo("pending");
        assertThat(stripe().findAll(getRequestedFor(urlEqualTo(intent)))).hasSize(ProviderCalls.MAX_ATTEMPTS);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls() - failedBefore).isEqualTo(ProviderCalls.MAX_ATTEMPTS);

        for (int i = 0; i < 5 && breaker.getState() != CircuitBreaker.State.OPEN; i++) app.get("/api/v1/payments/status/" + paymentId);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        int asked = stripe().findAll(getRequestedFor(urlEqualTo(intent))).size();
        long started = System.nanoTime();
        assertThat(app.get("/api/v1/payments/status/" + paymentId).data().get("status").asString()).isEqualTo("pending");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2_000); // no attempts, no backoff
        assertThat(stripe().findAll(getRequestedFor(urlEqualTo(intent)))).hasSize(asked);

        // A purchase while the circuit is open never reaches Stripe, so it fails at once and for sure.
        JsonNode refused = app.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "stripe", "currency", "USD")).data();
        assertThat(refused.get("status").asString()).isEqualTo("failed");
        assertThat(refused.get("failure_code").asString()).isEqualTo("PROVIDER_UNAVAILABLE");
        stripe().verify(0, postRequestedFor(urlEqualTo("/v1/payment_intents")).withHeader("Idempotency-Key", equalTo(refused.get("id").asString())));
    }

    @Test
    void aStripeThatDoesNotAnswerInTimeLeavesThePaymentPendingWithAClearError() {
        stripe().stubFor(post(urlEqualTo("/v1/payment_intents")).atPriority(1).willReturn(json("""
                {{formData request.body 'form' urlDecode=true}}{"id": "pi_{{lookup form 'metadata[payment_id]'}}", "object": "payment_intent",
                 "status": "requires_payment_method", "client_secret": "x"}""").withFixedDelay(4_000)));
        Api app = app();
        long started = System.nanoTime();
        Api.Res res = app.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "stripe", "currency", "USD"));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        JsonNode payment = res.data();
        assertThat(payment.get("status").asString()).isEqualTo("pending");
        assertThat(payment.get("failure_code").asString()).isEqualTo("PROVIDER_TIMEOUT");
        assertThat(payment.get("failure_message").asString()).isEqualTo("stripe did not answer within 3000 ms");
        assertThat(payment.get("provider_reference").isNull()).isTrue();
        assertThat(tookMillis).isLessThan(3 * 3_000 + 5_000); // three attempts of at most 3 s, not three of Stripe's 20 s read timeout

        // Stripe did make the PaymentIntent: the next status check finds it by our id in its metadata.
        String paymentId = payment.get("id").asString();
        stripe().stubFor(get(urlPathEqualTo("/v1/payment_intents/search")).atPriority(1).willReturn(json("{\"object\": \"search_result\","
                + " \"has_more\": false, \"url\": \"/v1/payment_intents/search\", \"data\": [{\"id\": \"pi_" + paymentId + "\","
                + " \"object\": \"payment_intent\", \"status\": \"succeeded\", \"metadata\": {\"payment_id\": \"" + paymentId + "\"}}]}")));
        JsonNode found = app.get("/api/v1/payments/status/" + paymentId).data();
        assertThat(found.get("provider_reference").asString()).isEqualTo("pi_" + paymentId);
        assertThat(found.get("status").asString()).isEqualTo("succeeded");
        assertThat(stripe().findAll(getRequestedFor(urlPathEqualTo("/v1/payment_intents/search"))).getFirst().queryParameter("query").firstValue())
                .isEqualTo("metadata['payment_id']:'" + paymentId + "'");
    }
}
