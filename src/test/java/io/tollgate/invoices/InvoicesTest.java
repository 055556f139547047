package io.tollgate.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ClockedApiTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.YearMonth;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A month of an organization's activity becomes a numbered invoice: HTML, PDF, paid through a provider. */
class InvoicesTest extends ClockedApiTest {

    private YearMonth currentMonth() {
        return Months.current(clock);
    }

    private void intoNextMonth() {
        Months.intoNext(clock);
    }

    private JsonNode invoiceOf(String org, String status) {
        JsonNode list = admin.get("/api/admin/invoices?organization_id=" + org + (status == null ? "" : "&status=" + status)).data();
        assertThat(list).as("invoices of " + org).hasSize(1);
        return admin.get("/api/admin/invoices/" + list.get(0).get("id").asString()).data();
    }

    private byte[] bytes(String path) throws Exception {
        HttpResponse<byte[]> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }

    @Test
    void aMonthOfChargesAndPaymentsBecomesAnInvoiceThatIsPaidThroughAProvider() throws Exception {
        String appId = createApp();
        String org = organizationOf(appId);
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "translate", "pricing_type", "per_request",
                "price_per_request_minor", 150, "currency", "USD"));
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000, "environment", "test")).get("key").asString());
        for (int i = 0; i < 4; i++) assertThat(app.post("/api/v1/test-meter/translate", null).status()).isEqualTo(200);
        String paid = app.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "sandbox", "currency", "USD"))
                .data().get("id").asString();
        admin.post("/api/admin/payments/" + paid + "/refund", Map.of("amount_minor", 300));

        YearMonth month = currentMonth();
        JsonNode drafted = admin.post("/api/admin/invoices/generate", Map.of("period", month.toString(), "organization_id", org)).data();
        assertThat(drafted).hasSize(1);
        JsonNode draft = drafted.get(0);
        assertThat(draft.get("status").asString()).isEqualTo("draft");
        assertThat(draft.get("currency").asString()).isEqualTo("USD");
        assertThat(draft.get("subtotal_minor").asLong()).isEqualTo(1000 - 300 + 600);
        assertThat(draft.get("prepaid_minor").asLong()).isEqualTo(700);
        assertThat(draft.get("amount_due_minor").asLong()).isEqualTo(600);
        JsonNode lines = draft.get("lines");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("kind").asString()).isEqualTo("credit_purchase");
        assertThat(lines.get(0).get("quantity").asLong()).isEqualTo(100);
        assertThat(lines.get(0).get("unit_amount_minor").asLong()).isEqualTo(10);
        assertThat(lines.get(1).get("kind").asString()).isEqualTo("refund");
        assertThat(lines.get(1).get("amount_minor").asLong()).isEqualTo(-300);
        assertThat(lines.get(2).get("kind").asString()).isEqualTo("per_request");
        assertThat(lines.get(2).get("quantity").asLong()).isEqualTo(4);
        assertThat(lines.get(2).get("line_no").asInt()).isEqualTo(3);
        Api.Res early = admin.post("/api/admin/invoices/" + draft.get("id").asString() + "/finalize", null);
        assertThat(early.errorCode()).isEqualTo("PERIOD_NOT_OVER");

        intoNextMonth();
        admin.post("/api/admin/invoices/generate", Map.of("period", month.toString()));
        JsonNode invoice = invoiceOf(org, null);
        assertThat(invoice.get("status").asString()).isEqualTo("open");
        String number = invoice.get("number").asString();
        assertThat(number).matches("INV-" + month.getYear() + "-\\d{6}");
        assertThat(invoice.get("due_at").isNull()).isFalse();

        String html = admin.get("/api/admin/invoices/" + invoice.get("id").asString() + "/html").text();
        assertThat(html).contains(number).contains("translate: 4 charged calls").contains("6.00 USD").contains("Refund of " + paid);
        byte[] pdf = bytes("/api/admin/invoices/" + invoice.get("id").asString() + "/pdf");
        assertThat(new String(pdf, 0, 5)).isEqualTo("%PDF-");
        try (PDDocument document = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(document);
            assertThat(text).contains(number).contains("6.00 USD").contains("translate: 4 charged calls");
        }

        // The organization sees it through its own key and pays the amount due.
        JsonNode mine = app.get("/api/v1/customer/billing/invoices").data();
        assertThat(mine.toString()).contains(number);
        Api.Res pay = app.post("/api/v1/customer/billing/invoices/" + invoice.get("id").asString() + "/pay", Map.of("payment_method", "sandbox"));
        assertThat(pay.status()).as(pay.toString()).isEqualTo(201);
        assertThat(pay.data().get("invoice_status").asString()).isEqualTo("paid");
        assertThat(app.post("/api/v1/customer/billing/invoices/" + invoice.get("id").asString() + "/pay", Map.of("payment_method", "sandbox"))
                .errorCode()).isEqualTo("INVOICE_NOT_OPEN");
        // Paying an invoice is not itself invoiced: regenerating changes nothing.
        assertThat(admin.post("/api/admin/invoices/generate", Map.of("period", month.toString(), "organization_id", org)).data()).isEmpty();
        assertThat(appClient(createApp(), createKey(createApp(), Map.of()).get("key").asString()).get("/api/v1/customer/billing/invoices/"
                + invoice.get("id").asString()).status()).isIn(401, 404);
    }

    @Test
    void aMonthWithOnlyPrepaidPurchasesIsPaidWhenIssued() {
        String appId = createApp();
        String org = organizationOf(appId);
        Api app = appClient(appId, createKey(appId, Map.of("environment", "test")).get("key").asString());
        app.post("/api/v1/credits/purchase", Map.of("amount", 20, "payment_method", "sandbox", "currency", "KES"));
        YearMonth month = currentMonth();
        intoNextMonth();
        admin.post("/api/admin/invoices/generate", Map.of("period", month.toString(), "organization_id", org, "issue", true));
        JsonNode invoice = invoiceOf(org, null);
        assertThat(invoice.get("status").asString()).isEqualTo("paid");
        assertThat(invoice.get("currency").asString()).isEqualTo("KES");
        assertThat(invoice.get("amount_due_minor").asLong()).isZero();
        assertThat(invoice.get("subtotal_minor").asLong()).isEqualTo(20_000);
        assertThat(admin.post("/api/admin/invoices/" + invoice.get("id").asString() + "/void", null).errorCode()).isEqualTo("INVOICE_CLOSED");
    }

    @Test
    void validation() {
        assertThat(admin.post("/api/admin/invoices/generate", Map.of("period", "November")).status()).isEqualTo(400);
        assertThat(admin.post("/api/admin/invoices/generate", Map.of("period", "2026-13", "organization_id", createOrganization())).status()).isEqualTo(400);
        assertThat(admin.get("/api/admin/invoices/inv_nope").status()).isEqualTo(404);
    }
}
