package io.tollgate.billing;

import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.tollgate.Api;
import io.tollgate.StripeApiTest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Organizations subscribed through Stripe (customers, prices, subscriptions against a local Stripe
 * API); Stripe's signed invoice and subscription events then drive renewals and status, in any order.
 */
class StripeSubscriptionsTest extends StripeApiTest {

    private record Setup(String appId, Api org, String planId) {}

    private Setup setup(long tokensPerMonth, String stripePriceId) {
        String planId = "str" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> plan = new java.util.HashMap<>(Map.of("id", planId, "name", "Stripe " + planId, "audience", "organization",
                "tokens_per_month", tokensPerMonth, "price_minor", 5000, "currency", "USD"));
        if (stripePriceId != null) {
            plan.put("stripe_price_id", stripePriceId);
            stubPrice(stripePriceId, 5000, "USD", "month");
        }
        assertThat(admin.post("/api/admin/plans", plan).status()).isEqualTo(201);
        String appId = createApp();
        activateCatalogApp(appId, "vto-001");
        return new Setup(appId, appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString()), planId);
    }

    private Instant now() {
        return Instant.ofEpochSecond(clock.instant().getEpochSecond());
    }

    private static Instant monthAfter(Instant start) {
        return start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
    }

    private JsonNode subscribe(Setup s, Map<String, Object> body, int status) {
        Api.Res res = s.org().post("/api/v1/customer/billing/subscribe", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(status);
        return res.data();
    }

    private Map<String, String> formOf(String url) {
        ServeEvent event = stripe().getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals(url)).findFirst().orElseThrow();
        return form(event.getRequest().getBodyAsString());
    }

    private JsonNode subscription(Setup s, String id) {
        return s.org().get("/api/v1/subscriptions/" + id).data();
    }

    private Api.Res consume(Setup s, long tokens) {
        return s.org().post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", tokens));
    }

    @Test
    void aPaymentMethodSubscribesThroughAStripeCustomerPriceAndSubscription() {
        Setup s = setup(10, null);
        Instant start = now();
        stubSubscription("sub_A" + UUID.randomUUID().toString().substring(0, 6), "cus_A1", "active", "unused", start, monthAfter(start));
        JsonNode sub = subscribe(s, Map.of("plan_id", s.planId(), "payment_method_id", "pm_card_visa"), 201);
        String id = sub.get("id").asString();
        assertThat(sub.get("status").asString()).isEqualTo("active");
        assertThat(sub.get("payment_method").asString()).isEqualTo("stripe");
        assertThat(sub.get("stripe_subscription_id").asString()).startsWith("sub_A");
        assertThat(sub.get("stripe_customer_id").asString()).isEqualTo("cus_A1");
        assertThat(Instant.parse(sub.get("current_period_start").asString())).isEqualTo(start);
        assertThat(Instant.parse(sub.get("current_period_end").asString())).isEqualTo(monthAfter(start));
        assertThat(sub.get("client_secret").asString()).isEqualTo("pi_first_secret_test");
        assertThat(sub.get("publishable_key").asString()).isEqualTo(PUBLISHABLE_KEY);

        // The plan had no Stripe Price: one was created, and kept on the plan.
        Map<String, String> price = formOf("/v1/prices");
        assertThat(price).containsEntry("unit_amount", "5000").containsEntry("currency", "usd").containsEntry("recurring[interval]", "month");
        String priceId = jdbc.sql("SELECT stripe_price_id FROM plans WHERE id = ?").param(s.planId()).query(String.class).single();
        assertThat(priceId).startsWith("price_");
        Map<String, String> customer = formOf("/v1/customers");
        assertThat(customer).containsEntry("payment_method", "pm_card_visa").containsEntry("invoice_settings[default_payment_method]", "pm_card_visa");
        stripe().verify(postRequestedFor(urlEqualTo("/v1/customers")).withHeader("Idempotency-Key", equalTo("tollgate-customer-" + id)));
        Map<String, String> created = formOf("/v1/subscriptions");
        assertThat(created).containsEntry("customer", "cus_A1").containsEntry("items[0][price]", priceId)
                .containsEntry("default_payment_method", "pm_card_visa").containsEntry("payment_behavior", "allow_incomplete")
                .containsEntry("metadata[tollgate_subscription_id]", id);
        stripe().verify(postRequestedFor(urlEqualTo("/v1/subscriptions")).withHeader("Idempotency-Key", equalTo(id)));
        assertThat(consume(s, 4).data().get("source").asString()).isEqualTo("plan");
    }

    @Test
    void invoicePaidRenewsTheSubscriptionWithAFreshAllowanceOnceHoweverOftenItComes() {
        Setup s = setup(10, "price_b_" + UUID.randomUUID().toString().substring(0, 8));
        String stripeId = "sub_B" + UUID.randomUUID().toString().substring(0, 6);
        Instant start = now();
        Instant end = monthAfter(start);
        stubSubscription(stripeId, "cus_B1", "active", "unused", start, end);
        String id = subscribe(s, Map.of("plan_id", s.planId(), "payment_method_id", "pm_card_visa"), 201).get("id").asString();
        stripe().verify(0, postRequestedFor(urlEqualTo("/v1/prices"))); // the plan's own Price is used
        assertThat(consume(s, 10).data().get("source").asString()).isEqualTo("plan");
        assertThat(consume(s, 1).errorCode()).isEqualTo("INSUFFICIENT_CREDITS");

        clock.advance(Duration.between(clock.instant(), end.plusSeconds(5)));
        Instant nextEnd = monthAfter(end);
        String paid = event("invoice.paid", invoice("in_B2" + id, stripeId, id, "subscription_cycle", 5000, "USD", end, nextEnd, true));
        for (int i = 0; i < 10; i++) deliverOk(paid);

        JsonNode renewed = subscription(s, id);
        assertThat(renewed.get("status").asString()).isEqualTo("active");
        assertThat(Instant.parse(renewed.get("current_period_start").asString())).isEqualTo(end);
        assertThat(Instant.parse(renewed.get("current_period_end").asString())).isEqualTo(nextEnd);
        assertThat(consume(s, 10).data().get("source").asString()).isEqualTo("plan");
        long paidRenewals = 0;
        for (JsonNode c : renewed.get("charges")) {
            if (c.get("kind").asString().equals("renewal") && c.get("status").asString().equals("paid")) paidRenewals++;
        }
        assertThat(paidRenewals).isEqualTo(1);
    }

    @Test
    void eventsInAnyOrderEndInTheSameState() {
        Setup s = setup(10, "price_c_" + UUID.randomUUID().toString().substring(0, 8));
        String stripeId = "sub_C" + UUID.randomUUID().toString().substring(0, 6);
        Instant start = now();
        Instant end = monthAfter(start);
        stubSubscription(stripeId, "cus_C1", "incomplete", "unused", start, end);
        // No payment method: Stripe waits for the client to confirm the first invoice.
        JsonNode sub = subscribe(s, Map.of("plan_id", s.planId(), "payment_method", "stripe"), 201);
        String id = sub.get("id").asString();
        assertThat(sub.get("status").asString()).isEqualTo("incomplete");
        assertThat(sub.get("client_secret").asString()).isEqualTo("pi_first_secret_test");
        assertThat(formOf("/v1/subscriptions")).containsEntry("payment_behavior", "default_incomplete");
        assertThat(consume(s, 1).errorCode()).isEqualTo("INSUFFICIENT_CREDITS"); // incomplete gives no plan
        String price = jdbc.sql("SELECT stripe_price_id FROM plans WHERE id = ?").param(s.planId()).query(String.class).single();

        // The newest event first, the oldest last: a failed attempt, then the paid invoice, then the subscription turning active.
        Instant t = clock.instant();
        deliverOk(event("evt_c3_" + id, "customer.subscription.updated", subscriptionObject(stripeId, "cus_C1", "active", price, start, end, false, id),
                t));
        deliverOk(event("evt_c2_" + id, "invoice.paid", invoice("in_C1" + id, stripeId, id, "subscription_create", 5000, "USD", start, end, true),
                t.minusSeconds(1)));
        deliverOk(event("evt_c1_" + id, "invoice.payment_failed", invoice("in_C1" + id, stripeId, id, "subscription_create", 5000, "USD", start, end,
                false), t.minusSeconds(2)));
        JsonNode active = subscription(s, id);
        assertThat(active.get("status").asString()).isEqualTo("active");
        assertThat(active.get("past_due_since").isNull()).isTrue();
        assertThat(consume(s, 1).data().get("source").asString()).isEqualTo("plan");

        // A renewal told by subscription.updated before invoice.paid, and a late failure of an attempt before the success.
        clock.advance(Duration.between(clock.instant(), end.plusSeconds(5)));
        Instant nextEnd = monthAfter(end);
        Instant t2 = clock.instant();
        deliverOk(event("evt_c6_" + id, "customer.subscription.updated", subscriptionObject(stripeId, "cus_C1", "active", price, end, nextEnd, false,
                id), t2));
        deliverOk(event("evt_c5_" + id, "invoice.paid", invoice("in_C2" + id, stripeId, id, "subscription_cycle", 5000, "USD", end, nextEnd, true),
                t2.minusSeconds(1)));
        deliverOk(event("evt_c4_" + id, "invoice.payment_failed", invoice("in_C2" + id, stripeId, id, "subscription_cycle", 5000, "USD", end, nextEnd,
                false), t2.minusSeconds(2)));
        // A stale subscription state (past_due, older than what was applied) changes nothing either.
        deliverOk(event("evt_c0_" + id, "customer.subscription.updated", subscriptionObject(stripeId, "cus_C1", "past_due", price, start, end,
                false, id), t.minusSeconds(10)));
        JsonNode renewed = subscription(s, id);
        assertThat(renewed.get("status").asString()).isEqualTo("active");
        assertThat(Instant.parse(renewed.get("current_period_start").asString())).isEqualTo(end);
        assertThat(Instant.parse(renewed.get("current_period_end").asString())).isEqualTo(nextEnd);

        // A renewal that fails now makes it past_due; the paid retry brings it back.
        clock.advance(Duration.between(clock.instant(), nextEnd.plusSeconds(5)));
        Instant thirdEnd = monthAfter(nextEnd);
        Instant t3 = clock.instant();
        deliverOk(event("evt_c7_" + id, "invoice.payment_failed", invoice("in_C3" + id, stripeId, id, "subscription_cycle", 5000, "USD", nextEnd, thirdEnd,
                false), t3));
        JsonNode pastDue = subscription(s, id);
        assertThat(pastDue.get("status").asString()).isEqualTo("past_due");
        assertThat(Instant.parse(pastDue.get("current_period_start").asString())).isEqualTo(nextEnd);
        deliverOk(event("evt_c8_" + id, "invoice.paid", invoice("in_C3" + id, stripeId, id, "subscription_cycle", 5000, "USD", nextEnd, thirdEnd, true),
                t3.plusSeconds(60)));
        assertThat(subscription(s, id).get("status").asString()).isEqualTo("active");

        // Deleted at Stripe: canceled, for good.
        deliverOk(event("evt_c9_" + id, "customer.subscription.deleted", subscriptionObject(stripeId, "cus_C1", "canceled", price, nextEnd, thirdEnd,
                false, id), t3.plusSeconds(120)));
        deliverOk(event("evt_c10_" + id, "customer.subscription.updated", subscriptionObject(stripeId, "cus_C1", "active", price, nextEnd, thirdEnd,
                false, id), t3.plusSeconds(180)));
        JsonNode canceled = subscription(s, id);
        assertThat(canceled.get("status").asString()).isEqualTo("canceled");
        assertThat(canceled.get("cancel_reason").asString()).isEqualTo("stripe_deleted");
        assertThat(consume(s, 1).errorCode()).isEqualTo("INSUFFICIENT_CREDITS");
    }

    @Test
    void planChangesUseStripesProrationAndCancelsGoToStripe() {
        Setup s = setup(10, "price_d_" + UUID.randomUUID().toString().substring(0, 8));
        String bigger = "strbig" + UUID.randomUUID().toString().substring(0, 6);
        String biggerPrice = "price_big_" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/api/admin/plans", Map.of("id", bigger, "name", "Bigger", "audience", "organization", "tokens_per_month", 100,
                "price_minor", 9000, "currency", "USD", "stripe_price_id", biggerPrice)).status()).isEqualTo(201);
        stubPrice(biggerPrice, 9000, "USD", "month");
        String stripeId = "sub_D" + UUID.randomUUID().toString().substring(0, 6);
        Instant start = now();
        stubSubscription(stripeId, "cus_D1", "active", "unused", start, monthAfter(start));
        String id = subscribe(s, Map.of("plan_id", s.planId(), "payment_method_id", "pm_card_visa"), 201).get("id").asString();

        Api.Res changed = s.org().put("/api/v1/subscriptions/" + id, Map.of("plan_id", bigger));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.data().get("plan_id").asString()).isEqualTo(bigger);
        assertThat(changed.data().get("price_minor").asLong()).isEqualTo(9000);
        Map<String, String> update = formOf("/v1/subscriptions/" + stripeId);
        assertThat(update).containsEntry("items[0][id]", "si_" + stripeId.substring(4)).containsEntry("items[0][price]", biggerPrice)
                .containsEntry("proration_behavior", "always_invoice").containsEntry("payment_behavior", "pending_if_incomplete");

        JsonNode atEnd = s.org().delete("/api/v1/subscriptions/" + id + "?at_period_end=true").data();
        assertThat(atEnd.get("status").asString()).isEqualTo("active");
        assertThat(atEnd.get("cancel_at_period_end").asBoolean()).isTrue();
        JsonNode now = s.org().delete("/api/v1/subscriptions/" + id).data();
        assertThat(now.get("status").asString()).isEqualTo("canceled");
        stripe().verify(1, deleteRequestedFor(urlEqualTo("/v1/subscriptions/" + stripeId)));
    }
}
