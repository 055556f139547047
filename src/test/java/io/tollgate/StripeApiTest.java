package io.tollgate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.stripe.net.Webhook;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A third shared server (clocked), with Stripe configured against a local WireMock that answers as
 * Stripe's API does for the calls Tollgate makes (PaymentIntents, Refunds, Customers, Prices,
 * Subscriptions; form-encoded requests, JSON answers echoing what was sent). Webhooks are signed
 * with stripe-java's own signing code (Webhook.Signature.generateSignatureHeader).
 */
// The reconciler stays out of the way: tests settle payments by webhook while they move the clock by months.
// Provider calls time out after 3 s here, so a slow stub is seen quickly.
@TestPropertySource(properties = {"tollgate.data-dir=target/test-data/stripe-${tollgate.test.fork:1}", "tollgate.payments.reconcile-every-millis=86400000",
        "tollgate.payments.call-timeout-millis=3000"})
public abstract class StripeApiTest extends ClockedApiTest {
    public static final String API_VERSION = "2026-07-29.dahlia";
    public static final String WEBHOOK_SECRET = "whsec_test_" + "0123456789abcdef0123456789abcdef";
    public static final String PUBLISHABLE_KEY = "pk_test_tollgate";
    private static final WireMockServer STRIPE = start();

    private static WireMockServer start() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort().templatingEnabled(true).globalTemplating(false));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        return server;
    }

    @DynamicPropertySource
    static void stripe(DynamicPropertyRegistry registry) {
        registry.add("tollgate.stripe.secret-key", () -> "sk_test_tollgate");
        registry.add("tollgate.stripe.webhook-secret", () -> WEBHOOK_SECRET);
        registry.add("tollgate.stripe.publishable-key", () -> PUBLISHABLE_KEY);
        registry.add("tollgate.stripe.api-base", () -> "http://localhost:" + STRIPE.port());
    }

    protected WireMockServer stripe() {
        return STRIPE;
    }

    /** Stripe's answers to the calls Tollgate makes, echoing what was asked (WireMock response templates over the form body). */
    @Autowired
    protected CircuitBreakerRegistry breakers;

    @BeforeEach
    void stripeAnswers() {
        // A breaker a test opened must not fail the next test's calls (find: never create it with other settings).
        breakers.find("stripe").ifPresent(CircuitBreaker::reset);
        STRIPE.resetAll();
        STRIPE.stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(json("""
                {{formData request.body 'form' urlDecode=true}}{"id": "pi_{{lookup form 'metadata[payment_id]'}}", "object": "payment_intent",
                 "amount": {{form.amount}}, "currency": "{{form.currency}}", "status": "requires_payment_method",
                 "client_secret": "pi_{{lookup form 'metadata[payment_id]'}}_secret_test", "last_payment_error": null,
                 "metadata": {"payment_id": "{{lookup form 'metadata[payment_id]'}}"}}""")));
        STRIPE.stubFor(get(urlPathMatching("/v1/payment_intents/pi_[a-z0-9_]+")).willReturn(json("""
                {"id": "{{request.pathSegments.[2]}}", "object": "payment_intent", "status": "requires_payment_method", "last_payment_error": null}""")));
        STRIPE.stubFor(post(urlPathMatching("/v1/payment_intents/pi_[a-z0-9_]+/cancel")).willReturn(json("""
                {"id": "{{request.pathSegments.[2]}}", "object": "payment_intent", "status": "canceled", "cancellation_reason": "requested_by_customer"}""")));
        STRIPE.stubFor(post(urlEqualTo("/v1/refunds")).willReturn(json("""
                {{formData request.body 'form' urlDecode=true}}{"id": "re_{{randomValue length=16 type='ALPHANUMERIC'}}", "object": "refund",
                 "amount": {{form.amount}}, "payment_intent": "{{form.payment_intent}}", "status": "succeeded"}""")));
        STRIPE.stubFor(post(urlEqualTo("/v1/customers")).willReturn(json("""
                {"id": "cus_{{randomValue length=14 type='ALPHANUMERIC'}}", "object": "customer"}""")));
        STRIPE.stubFor(post(urlPathMatching("/v1/payment_methods/pm_[A-Za-z0-9_]+/attach")).willReturn(json("""
                {"id": "{{request.pathSegments.[2]}}", "object": "payment_method"}""")));
        STRIPE.stubFor(post(urlEqualTo("/v1/prices")).willReturn(json("""
                {{formData request.body 'form' urlDecode=true}}{"id": "price_{{randomValue length=14 type='ALPHANUMERIC'}}", "object": "price",
                 "product": "{{form.product}}", "unit_amount": {{form.unit_amount}}, "currency": "{{form.currency}}", "active": true,
                 "recurring": {"interval": "{{lookup form 'recurring[interval]'}}"}}""")));
        STRIPE.stubFor(post(urlEqualTo("/v1/products")).willReturn(json("""
                {"id": "prod_{{randomValue length=14 type='ALPHANUMERIC'}}", "object": "product"}""")));
        // Prices Stripe does not know (a placeholder id): each test stubs the ones that exist (stubPrice).
        STRIPE.stubFor(get(urlPathMatching("/v1/prices/[A-Za-z0-9_]+")).atPriority(10).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"type": "invalid_request_error", "code": "resource_missing", "message": "No such price"}}""")));
        // Search finds nothing unless a test says otherwise.
        STRIPE.stubFor(get(urlPathEqualTo("/v1/payment_intents/search")).willReturn(json("""
                {"object": "search_result", "data": [], "has_more": false, "url": "/v1/payment_intents/search"}""")));
        STRIPE.stubFor(get(urlPathEqualTo("/v1/subscriptions/search")).willReturn(json("""
                {"object": "search_result", "data": [], "has_more": false, "url": "/v1/subscriptions/search"}""")));
    }

    /** A Price that exists at Stripe with these terms (interval month or year). */
    protected void stubPrice(String priceId, long unitAmount, String currency, String interval) {
        STRIPE.stubFor(get(urlPathEqualTo("/v1/prices/" + priceId)).atPriority(1).willReturn(json("{\"id\": \"" + priceId
                + "\", \"object\": \"price\", \"product\": \"prod_" + priceId.substring(6) + "\", \"unit_amount\": " + unitAmount
                + ", \"currency\": \"" + currency.toLowerCase() + "\", \"active\": true, \"recurring\": {\"interval\": \"" + interval + "\"}}")));
    }

    protected static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withHeader("Request-Id", "req_test")
                .withTransformers("response-template").withBody(body);
    }

    /**
     * Stripe answers subscription creates, updates (price, cancel_at_period_end) and cancels with this
     * subscription, echoing our metadata and the price asked for.
     */
    protected void stubSubscription(String stripeId, String customerId, String status, String priceId, Instant start, Instant end) {
        String form = "{{formData request.body 'form' urlDecode=true}}";
        String askedPrice = "{{#if (lookup form 'items[0][price]')}}{{lookup form 'items[0][price]'}}{{else}}" + priceId + "{{/if}}";
        String askedCancel = "{{#if form.cancel_at_period_end}}{{form.cancel_at_period_end}}{{else}}false{{/if}}";
        String created = subscriptionJson(stripeId, customerId, "\"" + status + "\"", askedPrice, start, end, "false",
                "{{lookup form 'metadata[tollgate_subscription_id]'}}");
        STRIPE.stubFor(post(urlEqualTo("/v1/customers")).willReturn(json("{\"id\": \"" + customerId + "\", \"object\": \"customer\"}")));
        STRIPE.stubFor(post(urlEqualTo("/v1/subscriptions")).willReturn(json(form + created)));
        STRIPE.stubFor(post(urlEqualTo("/v1/subscriptions/" + stripeId)).willReturn(json(form
                + subscriptionJson(stripeId, customerId, "\"" + status + "\"", askedPrice, start, end, askedCancel, "ignored"))));
        STRIPE.stubFor(delete(urlEqualTo("/v1/subscriptions/" + stripeId)).willReturn(json(
                subscriptionJson(stripeId, customerId, "\"canceled\", \"ended_at\": " + clock.instant().getEpochSecond(), priceId, start, end,
                        "false", "ignored"))));
    }

    private static String subscriptionJson(String stripeId, String customerId, String status, String price, Instant start, Instant end,
                                           String cancelAtPeriodEnd, String tollgateId) {
        return "{\"id\": \"" + stripeId + "\", \"object\": \"subscription\", \"customer\": \"" + customerId + "\", \"status\": " + status
                + ", \"cancel_at_period_end\": " + cancelAtPeriodEnd + ", \"items\": {\"object\": \"list\", \"data\": [{\"id\": \"si_"
                + stripeId.substring(4) + "\", \"object\": \"subscription_item\", \"price\": {\"id\": \"" + price + "\", \"object\": \"price\"},"
                + " \"current_period_start\": " + start.getEpochSecond() + ", \"current_period_end\": " + end.getEpochSecond() + "}]},"
                + " \"metadata\": {\"tollgate_subscription_id\": \"" + tollgateId + "\"},"
                + " \"latest_invoice\": {\"id\": \"in_first\", \"object\": \"invoice\", \"confirmation_secret\": {\"client_secret\": \"pi_first_secret_test\", \"type\": \"payment_intent\"}}}";
    }

    // --- events

    /** A Stripe event around {@code object} (JSON), created now by the server's clock. */
    protected String event(String type, String object) {
        return event("evt_" + UUID.randomUUID().toString().replace("-", ""), type, object, clock.instant());
    }

    protected String event(String id, String type, String object, Instant created) {
        return "{\"id\": \"" + id + "\", \"object\": \"event\", \"api_version\": \"" + API_VERSION + "\", \"created\": " + created.getEpochSecond()
                + ", \"livemode\": false, \"pending_webhooks\": 1, \"request\": {\"id\": null, \"idempotency_key\": null}, \"type\": \"" + type
                + "\", \"data\": {\"object\": " + object + "}}";
    }

    /** Posts the event to the webhook, signed by stripe-java's own code with the shared secret, timed by the server's clock. */
    protected Api.Res deliver(String payload) {
        return deliver(payload, signature(payload, WEBHOOK_SECRET, clock.instant().getEpochSecond()));
    }

    protected Api.Res deliver(String payload, String signatureHeader) {
        Api client = signatureHeader == null ? anonymous : anonymous.with("Stripe-Signature", signatureHeader);
        return client.send("POST", "/webhooks/stripe", payload);
    }

    protected static String signature(String payload, String secret, long timestamp) {
        try {
            return Webhook.Signature.generateSignatureHeader(payload, secret, timestamp);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected Api.Res deliverOk(String payload) {
        Api.Res res = deliver(payload);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res;
    }

    protected static String paymentIntent(String id, String paymentId, long amount, String currency, String status, String errorCode) {
        String error = errorCode == null ? "null"
                : "{\"type\": \"card_error\", \"code\": \"card_declined\", \"decline_code\": \"" + errorCode + "\", \"message\": \"Your card was declined.\"}";
        return "{\"id\": \"" + id + "\", \"object\": \"payment_intent\", \"amount\": " + amount + ", \"currency\": \"" + currency.toLowerCase()
                + "\", \"status\": \"" + status + "\", \"last_payment_error\": " + error + ", \"metadata\": {\"payment_id\": \"" + paymentId + "\"}}";
    }

    protected static String charge(String intentId, String paymentId, long amount, long refunded) {
        return "{\"id\": \"ch_" + intentId.substring(3) + "\", \"object\": \"charge\", \"amount\": " + amount + ", \"amount_refunded\": " + refunded
                + ", \"refunded\": " + (refunded == amount) + ", \"payment_intent\": \"" + intentId + "\", \"status\": \"succeeded\","
                + " \"metadata\": {\"payment_id\": \"" + paymentId + "\"}}";
    }

    protected static String subscriptionObject(String stripeId, String customerId, String status, String priceId, Instant start, Instant end,
                                               boolean cancelAtPeriodEnd, String tollgateId) {
        return "{\"id\": \"" + stripeId + "\", \"object\": \"subscription\", \"customer\": \"" + customerId + "\", \"status\": \"" + status
                + "\", \"cancel_at_period_end\": " + cancelAtPeriodEnd + ", \"items\": {\"object\": \"list\", \"data\": [{\"id\": \"si_"
                + stripeId.substring(4) + "\", \"object\": \"subscription_item\", \"price\": {\"id\": \"" + priceId + "\", \"object\": \"price\"},"
                + " \"current_period_start\": " + start.getEpochSecond() + ", \"current_period_end\": " + end.getEpochSecond() + "}]},"
                + " \"metadata\": {\"tollgate_subscription_id\": \"" + tollgateId + "\"}}";
    }

    protected static String invoice(String id, String stripeSubscriptionId, String tollgateId, String billingReason, long amount, String currency,
                                    Instant periodStart, Instant periodEnd, boolean paid) {
        return "{\"id\": \"" + id + "\", \"object\": \"invoice\", \"status\": \"" + (paid ? "paid" : "open") + "\", \"billing_reason\": \""
                + billingReason + "\", \"amount_due\": " + amount + ", \"amount_paid\": " + (paid ? amount : 0) + ", \"currency\": \""
                + currency.toLowerCase() + "\", \"parent\": {\"type\": \"subscription_details\", \"subscription_details\": {\"subscription\": \""
                + stripeSubscriptionId + "\", \"metadata\": {\"tollgate_subscription_id\": \"" + tollgateId + "\"}}},"
                + " \"lines\": {\"object\": \"list\", \"data\": [{\"id\": \"il_" + id.substring(3) + "\", \"object\": \"line_item\", \"amount\": "
                + amount + ", \"period\": {\"start\": " + periodStart.getEpochSecond() + ", \"end\": " + periodEnd.getEpochSecond() + "}}]}}";
    }

    protected static Map<String, String> form(String body) {
        Map<String, String> form = new java.util.LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        return form;
    }
}
