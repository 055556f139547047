package io.tollgate.billing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.Api;
import io.tollgate.StripeApiTest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Stripe Prices that follow the plan, plan changes that wait for their payment, auto_renew, and cancels that reach Stripe. */
class StripeSubscriptionChangesTest extends StripeApiTest {

    private static String rand() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private String plan(long price, String stripePriceId) {
        String planId = "chg" + rand().substring(0, 8);
        Map<String, Object> plan = new java.util.HashMap<>(Map.of("id", planId, "name", "Plan " + planId, "audience", "organization",
                "price_minor", price, "currency", "USD"));
        if (stripePriceId != null) plan.put("stripe_price_id", stripePriceId);
        assertThat(admin.post("/api/admin/plans", plan).status()).isEqualTo(201);
        return planId;
    }

    private Api org() {
        String appId = createApp();
        return appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
    }

    private Instant now() {
        return Instant.ofEpochSecond(clock.instant().getEpochSecond());
    }

    /** A new organization subscribed through a Stripe subscription of its own. */
    private void subscribeNewOrg(String planId) {
        stubSubscription("sub_S" + rand(), "cus_S" + rand(), "active", "unused", now(), now().plusSeconds(86_400 * 30));
        subscribe(org(), Map.of("plan_id", planId, "payment_method_id", "pm_card_visa"));
    }

    private JsonNode subscribe(Api org, Map<String, Object> body) {
        Api.Res res = org.post("/api/v1/customer/billing/subscribe", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data();
    }

    private String stripePriceOf(String planId) {
        return jdbc.sql("SELECT stripe_price_id FROM plans WHERE id = ?").param(planId).query(String.class).single();
    }

    /** A plan with a Stripe Price Stripe knows, and Stripe's answers for one subscription to it over a month from now. */
    private record Setup(String planId, String priceId, String stripeId, String customerId, Instant start, Instant end) {}

    private Setup setup(long price, String status) {
        String priceId = "price_" + rand();
        stubPrice(priceId, price, "USD", "month");
        Instant start = now();
        Setup s = new Setup(plan(price, priceId), priceId, "sub_" + rand(), "cus_" + rand(), start,
                start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant());
        stubSubscription(s.stripeId(), s.customerId(), status, priceId, s.start(), s.end());
        return s;
    }

    private List<Map<String, String>> forms(String url) {
        return stripe().findAll(postRequestedFor(urlEqualTo(url))).stream().map(r -> form(r.getBodyAsString())).toList();
    }

    @Test
    void aPlaceholderPriceAndAChangedPlanPriceGetNewStripePrices() {
        String placeholder = "price_placeholder_" + rand(); // Stripe does not know it (V15 seeds such ids)
        String planId = plan(5000, placeholder);
        subscribeNewOrg(planId);
        String first = stripePriceOf(planId);
        assertThat(first).isNotEqualTo(placeholder).startsWith("price_");
        assertThat(forms("/v1/products")).hasSize(1);
        Map<String, String> price = forms("/v1/prices").getFirst();
        assertThat(price).containsEntry("unit_amount", "5000").containsEntry("currency", "usd").containsEntry("recurring[interval]", "month")
                .containsEntry("metadata[tollgate_plan_id]", planId).containsKey("product");
        String product = price.get("product");
        assertThat(forms("/v1/subscriptions").getLast()).containsEntry("items[0][price]", first);

        // Prices are immutable at Stripe: a new plan price is a new Price on the same Product.
        assertThat(admin.put("/api/admin/plans/" + planId, Map.of("price_minor", 6000)).status()).isEqualTo(200);
        subscribeNewOrg(planId);
        String second = stripePriceOf(planId);
        assertThat(second).isNotEqualTo(first);
        assertThat(forms("/v1/prices")).hasSize(2);
        assertThat(forms("/v1/prices").getLast()).containsEntry("unit_amount", "6000").containsEntry("product", product);
        assertThat(forms("/v1/products")).hasSize(1);
        assertThat(forms("/v1/subscriptions").getLast()).containsEntry("items[0][price]", second);

        // Known now: the next subscriber needs no Stripe call for the price.
        subscribeNewOrg(planId);
        assertThat(forms("/v1/prices")).hasSize(2);
        stripe().verify(0, com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/v1/prices/" + second)));
    }

    @Test
    void aPlanChangeWaitsForItsProrationPaymentBeforeThePlanChanges() {
        Setup s = setup(5000, "active");
        String small = s.planId();
        String smallPrice = s.priceId();
        String bigPrice = "price_bg_" + rand();
        stubPrice(bigPrice, 9000, "USD", "month");
        String big = plan(9000, bigPrice);
        String stripeId = s.stripeId();
        Instant start = s.start();
        Instant end = s.end();
        Api org = org();
        String id = subscribe(org, Map.of("plan_id", small, "payment_method_id", "pm_card_visa")).get("id").asString();
        // The proration invoice needs the customer (3-D Secure, say): Stripe keeps the old price and a pending update.
        stripe().stubFor(post(urlEqualTo("/v1/subscriptions/" + stripeId)).atPriority(1).willReturn(json(subscriptionObject(stripeId, s.customerId(),
                "active", smallPrice, start, end, false, id).replaceFirst("\\}$", ", \"pending_update\": {\"expires_at\": "
                + end.getEpochSecond() + "}, \"latest_invoice\": {\"id\": \"in_prorate\", \"object\": \"invoice\", \"confirmation_secret\":"
                + " {\"client_secret\": \"pi_prorate_secret\", \"type\": \"payment_intent\"}}}"))));

        Api.Res changed = org.put("/api/v1/subscriptions/" + id, Map.of("plan_id", big));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.data().get("plan_id").asString()).isEqualTo(small);
        assertThat(changed.data().get("charge").get("status").asString()).isEqualTo("pending");
        assertThat(changed.data().get("client_secret").asString()).isEqualTo("pi_prorate_secret");
        assertThat(forms("/v1/subscriptions/" + stripeId).getLast()).containsEntry("payment_behavior", "pending_if_incomplete")
                .containsEntry("proration_behavior", "always_invoice").containsEntry("items[0][price]", bigPrice);

        // Paid: Stripe applies the update and says so.
        deliverOk(event("customer.subscription.updated", subscriptionObject(stripeId, s.customerId(), "active", bigPrice, start, end, false, id)));
        JsonNode after = org.get("/api/v1/subscriptions/" + id).data();
        assertThat(after.get("plan_id").asString()).isEqualTo(big);
        assertThat(after.get("price_minor").asLong()).isEqualTo(9000);
    }

    @Test
    void autoRenewIsStripesCancelAtPeriodEndAndCanBeChanged() {
        Setup s = setup(5000, "active");
        String stripeId = s.stripeId();
        Api org = org();
        String id = subscribe(org, Map.of("plan_id", s.planId(), "payment_method_id", "pm_card_visa", "auto_renew", false)).get("id").asString();
        assertThat(forms("/v1/subscriptions").getLast()).containsEntry("cancel_at_period_end", "true");

        Api.Res on = org.send("PATCH", "/api/v1/subscriptions/" + id, Map.of("auto_renew", true));
        assertThat(on.status()).as(on.toString()).isEqualTo(200);
        assertThat(on.data().get("auto_renew").asBoolean()).isTrue();
        assertThat(on.data().get("cancel_at_period_end").asBoolean()).isFalse();
        assertThat(forms("/v1/subscriptions/" + stripeId).getLast()).containsEntry("cancel_at_period_end", "false");

        JsonNode off = org.send("PATCH", "/api/v1/subscriptions/" + id, Map.of("auto_renew", false)).data();
        assertThat(off.get("auto_renew").asBoolean()).isFalse();
        assertThat(off.get("cancel_at_period_end").asBoolean()).isTrue();
        assertThat(forms("/v1/subscriptions/" + stripeId).getLast()).containsEntry("cancel_at_period_end", "true");
        assertThat(org.send("PATCH", "/api/v1/subscriptions/" + id, Map.of()).status()).isEqualTo(400);
    }

    @Test
    void aSubscriptionCanceledBeforeStripeAnsweredIsCanceledAtStripeAndStaysCanceled() {
        Setup s = setup(5000, "incomplete");
        String priceId = s.priceId();
        String stripeId = s.stripeId();
        Instant start = s.start();
        Instant end = s.end();
        // Stripe made it, but its answers never came back.
        stripe().stubFor(post(urlEqualTo("/v1/subscriptions")).atPriority(1).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": {\"type\": \"api_error\", \"message\": \"boom\"}}")));
        Api org = org();
        Api.Res lost = org.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", s.planId(), "payment_method", "stripe"));
        assertThat(lost.status()).as(lost.toString()).isEqualTo(502);
        JsonNode ours = org.get("/api/v1/subscriptions").data().get(0);
        String id = ours.get("id").asString();
        assertThat(ours.get("status").asString()).isEqualTo("incomplete");
        assertThat(ours.get("stripe_subscription_id").isNull()).isTrue();
        stripe().stubFor(get(urlPathEqualTo("/v1/subscriptions/search")).atPriority(1).willReturn(json("{\"object\": \"search_result\","
                + " \"has_more\": false, \"url\": \"/v1/subscriptions/search\", \"data\": [" + subscriptionObject(stripeId, s.customerId(), "incomplete",
                priceId, start, end, false, id) + "]}")));

        JsonNode canceled = org.delete("/api/v1/subscriptions/" + id).data();
        assertThat(canceled.get("status").asString()).isEqualTo("canceled");
        stripe().verify(1, deleteRequestedFor(urlEqualTo("/v1/subscriptions/" + stripeId)));

        // The customer still pays that first invoice; Stripe says the subscription is active: it is canceled at Stripe again.
        deliverOk(event("customer.subscription.updated", subscriptionObject(stripeId, s.customerId(), "active", priceId, start, end, false, id)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> stripe().verify(2, deleteRequestedFor(urlEqualTo("/v1/subscriptions/" + stripeId))));
        assertThat(org.get("/api/v1/subscriptions/" + id).data().get("status").asString()).isEqualTo("canceled");
    }
}
