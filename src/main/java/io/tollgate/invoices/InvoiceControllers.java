package io.tollgate.invoices;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.limits.EndpointClass;
import io.tollgate.limits.RateLimitClass;
import io.tollgate.payments.IdempotentRequests;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentPurpose;
import io.tollgate.payments.PaymentProvider;
import io.tollgate.payments.Payments;
import io.tollgate.payments.ProviderName;
import io.tollgate.payments.SandboxPolicy;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class InvoiceControllers {
    private final Invoices invoices;
    private final InvoiceRenderer renderer;
    private final Payments payments;
    private final SandboxPolicy sandbox;
    private final IdempotentRequests idempotent;

    InvoiceControllers(Invoices invoices, InvoiceRenderer renderer, Payments payments, SandboxPolicy sandbox, IdempotentRequests idempotent) {
        this.invoices = invoices;
        this.renderer = renderer;
        this.payments = payments;
        this.sandbox = sandbox;
        this.idempotent = idempotent;
    }

    // ---- operators ----

    @GetMapping("/api/admin/invoices")
    @Tag(name = "Admin: invoices")
    @Operation(summary = "List invoices", description = "Filters: organization_id, status draft|open|paid|void")
    Envelope<List<Invoice>> list(@RequestParam(required = false) Integer page, @RequestParam(name = "per_page", required = false) Integer perPage,
                                 @RequestParam(name = "organization_id", required = false) String organizationId,
                                 @RequestParam(required = false) Invoice.InvoiceStatus status) {
        return Envelope.page(invoices.list(PageQuery.of(page, perPage), organizationId, status));
    }

    @GetMapping("/api/admin/invoices/{id}")
    @Tag(name = "Admin: invoices")
    @Operation(summary = "An invoice with its numbered lines")
    Envelope<Invoice> get(@PathVariable String id) {
        return Envelope.ok(invoices.get(id));
    }

    @GetMapping(value = "/api/admin/invoices/{id}/html", produces = MediaType.TEXT_HTML_VALUE)
    @Tag(name = "Admin: invoices")
    @Operation(summary = "An invoice as HTML")
    ResponseEntity<String> html(@PathVariable String id) {
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).body(renderer.html(invoices.get(id)));
    }

    @GetMapping(value = "/api/admin/invoices/{id}/pdf", produces = MediaType.APPLICATION_PDF_VALUE)
    @Tag(name = "Admin: invoices")
    @Operation(summary = "An invoice as PDF")
    ResponseEntity<byte[]> pdf(@PathVariable String id) {
        return pdfOf(invoices.get(id));
    }

    record DraftRequest(@NotNull @Pattern(regexp = "\\d{4}-\\d{2}", message = "must be a month such as 2026-11") String period,
                        @Size(max = 64) String organizationId, Boolean issue) {}

    @PostMapping("/api/admin/invoices/generate")
    @Tag(name = "Admin: invoices")
    @Operation(summary = "Draft (and with issue: true, finalize) invoices for a month",
            description = "For one organization, or for every organization with activity when organization_id is absent (then always finalized). "
                    + "Finalizing needs the month to be over.")
    Envelope<List<Invoice>> generate(@Valid @RequestBody DraftRequest request) {
        YearMonth month = month(request.period());
        if (request.organizationId() == null) return Envelope.ok(invoices.closeMonth(month));
        List<Invoice> drafted = invoices.draft(request.organizationId(), month);
        if (!Boolean.TRUE.equals(request.issue())) return Envelope.ok(drafted);
        return Envelope.ok(drafted.stream().map(d -> invoices.finalizeDraft(d.id())).toList());
    }

    @PostMapping("/api/admin/invoices/{id}/finalize")
    @Tag(name = "Admin: invoices")
    @Operation(summary = "Finalize a draft: number it and issue it")
    Envelope<Invoice> finalizeDraft(@PathVariable String id) {
        return Envelope.ok(invoices.finalizeDraft(id));
    }

    @PostMapping("/api/admin/invoices/{id}/void")
    @Tag(name = "Admin: invoices")
    @Operation(summary = "Void an invoice that is not paid")
    Envelope<Invoice> voidInvoice(@PathVariable String id) {
        return Envelope.ok(invoices.voidInvoice(id));
    }

    // ---- the organization's own apps ----

    @GetMapping("/api/v1/customer/billing/invoices")
    @Tag(name = "Customer API: billing")
    @RequiresScope(Scopes.BILLING_READ)
    @RateLimitClass(EndpointClass.BILLING)
    @Operation(summary = "The organization's invoices (finalized ones)")
    Envelope<List<Invoice>> mine(AppCaller caller, @RequestParam(required = false) Integer page,
                                 @RequestParam(name = "per_page", required = false) Integer perPage,
                                 @RequestParam(required = false) Invoice.InvoiceStatus status) {
        if (status == Invoice.InvoiceStatus.DRAFT) throw ApiException.invalidField("status", "drafts are not shown to customers");
        var result = invoices.list(PageQuery.of(page, perPage), caller.organizationId(), status);
        return Envelope.page(new io.tollgate.platform.PageResult<>(result.items().stream()
                .filter(i -> i.status() != Invoice.InvoiceStatus.DRAFT).toList(), result.pagination()));
    }

    @GetMapping("/api/v1/customer/billing/invoices/{id}")
    @Tag(name = "Customer API: billing")
    @RequiresScope(Scopes.BILLING_READ)
    @RateLimitClass(EndpointClass.BILLING)
    @Operation(summary = "One of the organization's invoices")
    Envelope<Invoice> one(AppCaller caller, @PathVariable String id) {
        return Envelope.ok(owned(caller, id));
    }

    @GetMapping(value = "/api/v1/customer/billing/invoices/{id}/pdf", produces = MediaType.APPLICATION_PDF_VALUE)
    @Tag(name = "Customer API: billing")
    @RequiresScope(Scopes.BILLING_READ)
    @RateLimitClass(EndpointClass.BILLING)
    @Operation(summary = "One of the organization's invoices as PDF")
    ResponseEntity<byte[]> minePdf(AppCaller caller, @PathVariable String id) {
        return pdfOf(owned(caller, id));
    }

    @GetMapping(value = "/api/v1/customer/billing/invoices/{id}/html", produces = MediaType.TEXT_HTML_VALUE)
    @Tag(name = "Customer API: billing")
    @RequiresScope(Scopes.BILLING_READ)
    @RateLimitClass(EndpointClass.BILLING)
    @Operation(summary = "One of the organization's invoices as HTML")
    ResponseEntity<String> mineHtml(AppCaller caller, @PathVariable String id) {
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).body(renderer.html(owned(caller, id)));
    }

    record PayRequest(@NotNull ProviderName paymentMethod, @Size(max = 20) String phoneNumber, @Size(max = 255) String paymentMethodId,
                      @Pattern(regexp = "succeed|fail|pending", message = "must be succeed, fail or pending") String sandboxOutcome) {}

    @PostMapping("/api/v1/customer/billing/invoices/{id}/pay")
    @Tag(name = "Customer API: billing")
    @RequiresScope(Scopes.BILLING_MANAGE)
    @RateLimitClass(EndpointClass.BILLING)
    @Operation(summary = "Pay an open invoice", description = "Starts a payment for the amount due; the invoice is paid when the provider "
            + "confirms. One payment at a time: 409 PAYMENT_PENDING while one is under way, 409 INVOICE_NOT_OPEN once paid or void. Send an "
            + "Idempotency-Key: a retry with it answers the first answer (422 with another body). sandbox needs a test key.")
    ResponseEntity<String> pay(AppCaller caller, @PathVariable String id, @Valid @RequestBody PayRequest request, HttpServletRequest http) {
        Invoice invoice = owned(caller, id);
        sandbox.check(request.paymentMethod(), caller);
        return idempotent.run("app:" + caller.appId(), http, request, caller.organizationId(), paymentId -> paid(payments.get(paymentId), Map.of()),
                claim -> {
                    if (invoice.status() != Invoice.InvoiceStatus.OPEN) {
                        throw ApiException.conflict("INVOICE_NOT_OPEN", "The invoice is " + invoice.status().name().toLowerCase());
                    }
                    Payments.Started started = payments.start(new Payments.Request("organization", caller.organizationId(), caller.appId(),
                            caller.organizationId(), null, PaymentPurpose.INVOICE, invoice.id(), request.paymentMethod(), invoice.amountDueMinor(),
                            invoice.currency(), 0, new PaymentProvider.StartOptions(request.phoneNumber(), request.paymentMethodId(),
                            request.sandboxOutcome(), "Invoice " + invoice.number())), paymentId -> {
                                invoices.lockOpen(invoice.id());
                                if (payments.pendingFor(PaymentPurpose.INVOICE, invoice.id())) {
                                    throw ApiException.conflict("PAYMENT_PENDING", "A payment of this invoice is under way; wait for it to settle");
                                }
                                claim.accept(paymentId);
                            });
                    return new IdempotentRequests.Answer(201, Envelope.ok(paid(started.payment(), started.clientData())));
                });
    }

    private Map<String, Object> paid(Payment payment, Map<String, Object> clientData) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("invoice_id", payment.purposeRef());
        data.put("payment_id", payment.id());
        data.put("payment_status", payment.status());
        data.put("invoice_status", invoices.get(payment.purposeRef()).status());
        data.putAll(clientData);
        return data;
    }

    private Invoice owned(AppCaller caller, String id) {
        Invoice invoice = invoices.get(id);
        if (!invoice.organizationId().equals(caller.organizationId()) || invoice.status() == Invoice.InvoiceStatus.DRAFT) {
            throw ApiException.notFound("invoice", id);
        }
        return invoice;
    }

    private ResponseEntity<byte[]> pdfOf(Invoice invoice) {
        String name = (invoice.number() == null ? invoice.id() : invoice.number()) + ".pdf";
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"").body(renderer.pdf(invoice));
    }

    private static YearMonth month(String period) {
        try {
            return YearMonth.parse(period);
        } catch (DateTimeParseException e) {
            throw ApiException.invalidField("period", "must be a month such as 2026-11");
        }
    }
}
