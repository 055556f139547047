package io.tollgate.billing;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.Api;
import io.tollgate.StripeApiTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What Stripe collects for subscriptions is money like any other: recorded as a payment once per
 * invoice, so it is on the organization's invoice, in revenue, and its refund is found; events of an
 * endpoint on an older API version are read too; a signed event without data is a 400.
 */
class StripeInvoicePaymentsTest extends StripeApiTest {

    private record Subscribed(String appId, String org, String id, String stripeId, Instant start, Instant end) {}

    private Subscribed subscribed() {
        String planId = "inv" + UUID.randomUUID().toString().substring(0, 8);
        String priceId = "price_i_" + UUID.randomUUID().toString().substring(0, 8);
        stubPrice(priceId, 5000, "USD", "month");
        assertThat(admin.post("/api/admin/plans", Map.of("id", planId, "name", "Invoiced " + planId, "audience", "organization",
                "price_minor", 5000, "currency", "USD", "stripe_price_id", priceId)).status()).isEqualTo(201);
        String appId = createApp();
        Api org = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        String stripeId = "sub_I" + UUID.randomUUID().toString().substring(0, 8);
        Instant start = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        Instant end = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        stubSubscription(stripeId, "cus_I1", "active", priceId, start, end);
        Api.Res res = org.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", planId, "payment_method_id", "pm_card_visa"));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return new Subscribed(appId, organizationOf(appId), res.data().get("id").asString(), stripeId, start, end);
    }

    private JsonNode stripePayments(String org) {
        return admin.get("/api/admin/payments?organization_id=" + org + "&provider=stripe").data();
    }

    private long received(String field) {
        for (JsonNode t : admin.get("/api/admin/revenue").data().get("totals")) {
            if (t.get("currency").asString().equals("USD")) return t.get(field).asLong();
        }
        return 0;
    }

    @Test
    void aPaidSubscriptionInvoiceIsAPaymentOnTheInvoiceInRevenueAndRefundable() {
        Subscribed s = subscribed();
        long receivedBefore = received("received_minor");
        long refundedBefore = received("refunded_minor");
        String invoiceId = "in_" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
        String intentId = "pi_inv" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        // Since API 2025-03-31 the invoice does not name its PaymentIntent; invoice_payment.paid does (here first).
        deliverOk(event("invoice_payment.paid", "{\"id\": \"inpay_" + invoiceId.substring(3) + "\", \"object\": \"invoice_payment\", \"invoice\": \""
                + invoiceId + "\", \"amount_paid\": 5000, \"currency\": \"usd\", \"status\": \"paid\", \"payment\": {\"type\": \"payment_intent\","
                + " \"payment_intent\": \"" + intentId + "\"}}"));
        String paid = event("invoice.paid", invoice(invoiceId, s.stripeId(), s.id(), "subscription_create", 5000, "USD", s.start(), s.end(), true));
        for (int i = 0; i < 3; i++) deliverOk(paid);
        // The same invoice told again by another event: still one payment.
        deliverOk(event("invoice.paid", invoice(invoiceId, s.stripeId(), s.id(), "subscription_create", 5000, "USD", s.start(), s.end(), true)));

        JsonNode payments = stripePayments(s.org());
        assertThat(payments).hasSize(1);
        JsonNode payment = payments.get(0);
        assertThat(payment.get("status").asString()).isEqualTo("succeeded");
        assertThat(payment.get("purpose").asString()).isEqualTo("subscription");
        assertThat(payment.get("amount_minor").asLong()).isEqualTo(5000);
        assertThat(payment.get("provider_reference").asString()).isEqualTo(invoiceId);
        assertThat(payment.get("provider_data").get("stripe_payment_intent").asString()).isEqualTo(intentId);
        assertThat(received("received_minor") - receivedBefore).isEqualTo(5000);
        JsonNode charges = admin.get("/api/admin/subscriptions/" + s.id() + "/charges").data();
        assertThat(charges.get(0).get("payment_id").asString()).isEqualTo(payment.get("id").asString());

        JsonNode draft = admin.post("/api/admin/invoices/generate", Map.of("period", YearMonth.from(LocalDate.ofInstant(clock.instant(),
                ZoneOffset.UTC)).toString(), "organization_id", s.org())).data().get(0);
        assertThat(draft.get("lines").get(0).get("kind").asString()).isEqualTo("subscription");
        assertThat(draft.get("lines").get(0).get("amount_minor").asLong()).isEqualTo(5000);

        // Refunded at Stripe: the charge names the PaymentIntent, which leads to the invoice's payment.
        Api.Res refunded = deliverOk(event("charge.refunded", "{\"id\": \"ch_" + intentId.substring(3) + "\", \"object\": \"charge\", \"amount\": 5000,"
                + " \"amount_refunded\": 2000, \"refunded\": false, \"payment_intent\": \"" + intentId + "\", \"status\": \"succeeded\", \"metadata\": {}}"));
        assertThat(refunded.data().get("outcome").asString()).isEqualTo("refunded 2000 of 5000 (partially_refunded)");
        assertThat(received("refunded_minor") - refundedBefore).isEqualTo(2000);
    }

    @Test
    void eventsOfAnEndpointOnAnOlderApiVersionAreReadToo() {
        Subscribed s = subscribed();
        Instant nextEnd = s.end().atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        clock.advance(Duration.between(clock.instant(), s.end().plusSeconds(5)));
        // Before 2025-03-31: the period at the top of the subscription, the subscription at the top of the invoice.
        String oldSubscription = "{\"id\": \"" + s.stripeId() + "\", \"object\": \"subscription\", \"customer\": \"cus_I1\", \"status\": \"active\","
                + " \"cancel_at_period_end\": false, \"current_period_start\": " + s.end().getEpochSecond() + ", \"current_period_end\": "
                + nextEnd.getEpochSecond() + ", \"items\": {\"object\": \"list\", \"data\": [{\"id\": \"si_old\", \"object\": \"subscription_item\"}]},"
                + " \"metadata\": {\"tollgate_subscription_id\": \"" + s.id() + "\"}}";
        deliverOk(oldEvent("customer.subscription.updated", oldSubscription));
        JsonNode renewed = admin.get("/api/admin/subscriptions/" + s.id()).data();
        assertThat(Instant.parse(renewed.get("current_period_start").asString())).isEqualTo(s.end());
        assertThat(Instant.parse(renewed.get("current_period_end").asString())).isEqualTo(nextEnd);

        String invoiceId = "in_old" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String oldInvoice = "{\"id\": \"" + invoiceId + "\", \"object\": \"invoice\", \"status\": \"paid\", \"billing_reason\": \"subscription_cycle\","
                + " \"amount_due\": 5000, \"amount_paid\": 5000, \"currency\": \"usd\", \"subscription\": \"" + s.stripeId() + "\","
                + " \"payment_intent\": \"pi_old_" + invoiceId.substring(3) + "\", \"subscription_details\": {\"metadata\": {\"tollgate_subscription_id\": \""
                + s.id() + "\"}}, \"lines\": {\"object\": \"list\", \"data\": [{\"id\": \"il_1\", \"object\": \"line_item\", \"amount\": 5000,"
                + " \"period\": {\"start\": " + s.end().getEpochSecond() + ", \"end\": " + nextEnd.getEpochSecond() + "}}]}}";
        assertThat(deliverOk(oldEvent("invoice.paid", oldInvoice)).data().get("outcome").asString()).isEqualTo("forwarded to billing");
        JsonNode payment = stripePayments(s.org()).get(0);
        assertThat(payment.get("provider_reference").asString()).isEqualTo(invoiceId);
        assertThat(payment.get("provider_data").get("stripe_payment_intent").asString()).isEqualTo("pi_old_" + invoiceId.substring(3));
        // An old charge names its invoice.
        String refund = "{\"id\": \"ch_old1\", \"object\": \"charge\", \"amount\": 5000, \"amount_refunded\": 5000, \"refunded\": true,"
                + " \"invoice\": \"" + invoiceId + "\", \"status\": \"succeeded\", \"metadata\": {}}";
        assertThat(deliverOk(oldEvent("charge.refunded", refund)).data().get("outcome").asString()).isEqualTo("refunded 5000 of 5000 (refunded)");
    }

    @Test
    void aSignedEventWithoutDataOrCreatedTimeIs400() {
        String noData = "{\"id\": \"evt_nodata_" + UUID.randomUUID() + "\", \"object\": \"event\", \"created\": " + clock.instant().getEpochSecond()
                + ", \"type\": \"payment_intent.succeeded\"}";
        Api.Res res = deliver(noData);
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.errorCode()).isEqualTo("VALIDATION_FAILED");
        String noCreated = "{\"id\": \"evt_nocreated_" + UUID.randomUUID() + "\", \"object\": \"event\", \"type\": \"invoice.paid\","
                + " \"data\": {\"object\": {\"id\": \"in_x\", \"object\": \"invoice\"}}}";
        assertThat(deliver(noCreated).status()).isEqualTo(400);
        String emptyData = "{\"id\": \"evt_empty_" + UUID.randomUUID() + "\", \"object\": \"event\", \"created\": 1, \"type\": \"charge.refunded\","
                + " \"data\": {}}";
        assertThat(deliver(emptyData).status()).isEqualTo(400);
        assertThat(jdbc.sql("SELECT count(*) FROM payment_events WHERE event_id LIKE 'evt_no%' OR event_id LIKE 'evt_empty%'").query(Long.class)
                .single()).isZero();
    }

    @Test
    void aPaidInvoiceOfASupersededSubscriptionIsRefunded() {
        String planId = "sup" + UUID.randomUUID().toString().substring(0, 8);
        String priceId = "price_s_" + UUID.randomUUID().toString().substring(0, 8);
        stubPrice(priceId, 5000, "USD", "month");
        admin.post("/api/admin/plans", Map.of("id", planId, "name", "Sup", "audience", "organization", "price_minor", 5000, "currency", "USD",
                "stripe_price_id", priceId));
        String appId = createApp();
        Api org = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        Instant start = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        Instant end = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        String firstStripe = "sub_F" + UUID.randomUUID().toString().substring(0, 8);
        stubSubscription(firstStripe, "cus_F1", "incomplete", priceId, start, end);
        String first = org.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", planId, "payment_method", "stripe")).data().get("id").asString();
        String secondStripe = "sub_G" + UUID.randomUUID().toString().substring(0, 8);
        stubSubscription(secondStripe, "cus_F1", "incomplete", priceId, start, end);
        assertThat(org.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", planId, "payment_method", "stripe")).status()).isEqualTo(201);
        assertThat(admin.get("/api/admin/subscriptions/" + first).data().get("cancel_reason").asString()).isEqualTo("superseded");

        // The first attempt's client secret was still out there, and the customer paid it.
        String invoiceId = "in_sup" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String intentId = "pi_sup" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        deliverOk(event("invoice_payment.paid", "{\"id\": \"inpay_s1\", \"object\": \"invoice_payment\", \"invoice\": \"" + invoiceId
                + "\", \"payment\": {\"type\": \"payment_intent\", \"payment_intent\": \"" + intentId + "\"}}"));
        deliverOk(event("invoice.paid", invoice(invoiceId, firstStripe, first, "subscription_create", 5000, "USD", start, end, true)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> stripe().verify(1, postRequestedFor(urlEqualTo("/v1/refunds"))));
        assertThat(form(stripe().findAll(postRequestedFor(urlEqualTo("/v1/refunds"))).getFirst().getBodyAsString()))
                .containsEntry("payment_intent", intentId).containsEntry("amount", "5000");
        await().atMost(Duration.ofSeconds(10)).until(() -> stripePayments(organizationOf(appId)).get(0).get("status").asString().equals("refunded"));
    }

    /** An event as an endpoint on API version 2024-06-20 would get it. */
    private String oldEvent(String type, String object) {
        return event("evt_" + UUID.randomUUID().toString().replace("-", ""), type, object, clock.instant()).replace(API_VERSION, "2024-06-20");
    }
}
