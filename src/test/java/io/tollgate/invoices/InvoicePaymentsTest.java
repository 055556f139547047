package io.tollgate.invoices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.Api;
import io.tollgate.ClockedApiTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Paying invoices once, refunds after an invoice is issued, whose payments an invoice lists, and the customer's HTML. */
class InvoicePaymentsTest extends ClockedApiTest {

    private YearMonth currentMonth() {
        return Months.current(clock);
    }

    private void intoNextMonth() {
        Months.intoNext(clock);
    }

    private record Org(String appId, String org, Api app) {}

    private Org org(String environment) {
        String appId = createApp();
        return new Org(appId, organizationOf(appId),
                appClient(appId, createKey(appId, Map.of("rate_limit", 100_000, "environment", environment)).get("key").asString()));
    }

    /** An open invoice of 2 × 150 per-request charges, issued for last month. */
    private JsonNode openInvoice(Org o) {
        admin.post("/api/external-apps/" + o.appId() + "/features", Map.of("feature_name", "translate", "pricing_type", "per_request",
                "price_per_request_minor", 150, "currency", "USD"));
        for (int i = 0; i < 2; i++) assertThat(o.app().post("/api/v1/test-meter/translate", null).status()).isEqualTo(200);
        YearMonth month = currentMonth();
        intoNextMonth();
        JsonNode issued = admin.post("/api/admin/invoices/generate", Map.of("period", month.toString(), "organization_id", o.org(), "issue", true))
                .data().get(0);
        assertThat(issued.get("status").asString()).isEqualTo("open");
        assertThat(issued.get("amount_due_minor").asLong()).isEqualTo(300);
        return issued;
    }

    private JsonNode payment(String id) {
        return admin.get("/api/admin/payments/" + id).data();
    }

    @Test
    void anInvoiceIsPaidOnceAtATimeAndRetriesWithAnIdempotencyKeyReplay() {
        Org o = org("test");
        String pay = "/api/v1/customer/billing/invoices/" + openInvoice(o).get("id").asString() + "/pay";
        Api keyed = o.app().with("Idempotency-Key", "pay-" + UUID.randomUUID());
        Api.Res first = keyed.post(pay, Map.of("payment_method", "sandbox", "sandbox_outcome", "pending"));
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.data().get("payment_status").asString()).isEqualTo("pending");
        Api.Res replay = keyed.post(pay, Map.of("payment_method", "sandbox", "sandbox_outcome", "pending"));
        assertThat(replay.text()).isEqualTo(first.text());
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(keyed.post(pay, Map.of("payment_method", "sandbox")).status()).isEqualTo(422);
        // While one payment is under way, another is refused: two cannot both succeed.
        Api.Res second = o.app().post(pay, Map.of("payment_method", "sandbox"));
        assertThat(second.status()).as(second.toString()).isEqualTo(409);
        assertThat(second.errorCode()).isEqualTo("PAYMENT_PENDING");

        String paymentId = first.data().get("payment_id").asString();
        admin.post("/api/admin/payments/" + paymentId + "/sandbox-outcome", Map.of("outcome", "succeed"));
        assertThat(admin.get("/api/admin/invoices/" + first.data().get("invoice_id").asString()).data().get("status").asString()).isEqualTo("paid");
        assertThat(o.app().post(pay, Map.of("payment_method", "sandbox")).errorCode()).isEqualTo("INVOICE_NOT_OPEN");
        assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE purpose = 'invoice' AND purpose_ref = ?")
                .param(first.data().get("invoice_id").asString()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aPaymentThatSucceedsForAnInvoiceNoLongerOpenIsRefunded() {
        Org o = org("test");
        JsonNode invoice = openInvoice(o);
        String paymentId = o.app().post("/api/v1/customer/billing/invoices/" + invoice.get("id").asString() + "/pay",
                Map.of("payment_method", "sandbox", "sandbox_outcome", "pending")).data().get("payment_id").asString();
        assertThat(admin.post("/api/admin/invoices/" + invoice.get("id").asString() + "/void", null).status()).isEqualTo(200);

        admin.post("/api/admin/payments/" + paymentId + "/sandbox-outcome", Map.of("outcome", "succeed"));
        await().atMost(Duration.ofSeconds(10)).until(() -> payment(paymentId).get("status").asString().equals("refunded"));
        assertThat(payment(paymentId).get("refund_due_reason").asString()).contains(invoice.get("id").asString());
        assertThat(admin.get("/api/admin/invoices/" + invoice.get("id").asString()).data().get("status").asString()).isEqualTo("void");
    }

    @Test
    void liveKeysCannotPayWithTheSandbox() {
        Org o = org("live");
        Api.Res res = o.app().post("/api/v1/customer/billing/invoices/" + openInvoice(o).get("id").asString() + "/pay",
                Map.of("payment_method", "sandbox"));
        assertThat(res.status()).as(res.toString()).isEqualTo(403);
        assertThat(res.errorCode()).isEqualTo("SANDBOX_NOT_ALLOWED");
        assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE organization_id = ?").param(o.org()).query(Long.class).single()).isZero();
    }

    @Test
    void aRefundAfterTheInvoiceIsIssuedIsACreditOnTheNextOneAndCountsOnItsOwnDay() {
        Org o = org("test");
        LocalDate paidOn = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        String paid = o.app().post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "sandbox", "currency", "USD"))
                .data().get("id").asString();
        // An end user's purchase is the user's, not the organization's: not on its invoice.
        o.app().with("X-External-User-Id", "buyer-" + UUID.randomUUID())
                .post("/api/v1/credits/purchase", Map.of("amount", 50, "payment_method", "sandbox", "currency", "USD"));
        YearMonth month = currentMonth();
        intoNextMonth();
        JsonNode issued = admin.post("/api/admin/invoices/generate", Map.of("period", month.toString(), "organization_id", o.org(), "issue", true))
                .data().get(0);
        assertThat(issued.get("lines")).hasSize(1);
        assertThat(issued.get("subtotal_minor").asLong()).isEqualTo(1000);

        assertThat(admin.post("/api/admin/payments/" + paid + "/refund", Map.of("amount_minor", 300)).status()).isEqualTo(200);
        LocalDate refundedOn = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        assertThat(admin.get("/api/admin/invoices/" + issued.get("id").asString()).data().get("subtotal_minor").asLong()).isEqualTo(1000);
        JsonNode next = admin.post("/api/admin/invoices/generate", Map.of("period", currentMonth().toString(), "organization_id", o.org()))
                .data().get(0);
        assertThat(next.get("lines")).hasSize(1);
        JsonNode credit = next.get("lines").get(0);
        assertThat(credit.get("kind").asString()).isEqualTo("refund");
        assertThat(credit.get("amount_minor").asLong()).isEqualTo(-300);
        assertThat(credit.get("description").asString()).contains(paid).contains("paid " + paidOn).contains("refunded " + refundedOn);

        JsonNode byDay = admin.get("/api/external-apps/" + o.appId() + "/revenue?from=" + paidOn + "&to=" + refundedOn).data().get("payments_by_day");
        Map<String, long[]> days = new java.util.TreeMap<>();
        for (JsonNode d : byDay) days.put(d.get("key").asString(), new long[] {d.get("paid_minor").asLong(), d.get("refunded_minor").asLong()});
        assertThat(days.get(paidOn.toString())).containsExactly(1000 + 500, 0);
        assertThat(days.get(refundedOn.toString())).containsExactly(0, 300);
    }

    @Test
    void customersGetTheirInvoiceAsHtml() {
        Org o = org("test");
        JsonNode invoice = openInvoice(o);
        Api.Res html = o.app().get("/api/v1/customer/billing/invoices/" + invoice.get("id").asString() + "/html");
        assertThat(html.status()).isEqualTo(200);
        assertThat(html.header("Content-Type")).startsWith("text/html");
        assertThat(html.text()).contains(invoice.get("number").asString()).contains("translate: 2 charged calls");
        assertThat(org("test").app().get("/api/v1/customer/billing/invoices/" + invoice.get("id").asString() + "/html").status()).isEqualTo(404);
    }
}
