package io.tollgate.payments;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.Idempotency;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Admin: payments")
class PaymentAdminController {
    private final Payments payments;
    private final PaymentRefunds refunds;
    private final CreditPrices prices;
    private final AuditTrail audit;
    private final IdempotentRequests idempotent;
    private final TransactionTemplate transactions;

    PaymentAdminController(Payments payments, PaymentRefunds refunds, CreditPrices prices, AuditTrail audit, IdempotentRequests idempotent,
                           TransactionTemplate transactions) {
        this.payments = payments;
        this.refunds = refunds;
        this.prices = prices;
        this.audit = audit;
        this.idempotent = idempotent;
        this.transactions = transactions;
    }

    @GetMapping("/api/admin/payments")
    @Operation(summary = "List payments", description = "Filters: organization_id, app_id, payer_id, status, provider, refund_due "
            + "(true: money that bought nothing and is being refunded — with refund_due_error, an operator must refund it)")
    Envelope<List<Payment>> list(@RequestParam(required = false) Integer page, @RequestParam(name = "per_page", required = false) Integer perPage,
                                 @RequestParam(name = "organization_id", required = false) String organizationId,
                                 @RequestParam(name = "app_id", required = false) String appId,
                                 @RequestParam(name = "payer_id", required = false) String payerId,
                                 @RequestParam(required = false) PaymentStatus status,
                                 @RequestParam(required = false) ProviderName provider,
                                 @RequestParam(name = "refund_due", required = false) Boolean refundDue) {
        return Envelope.page(payments.list(PageQuery.of(page, perPage),
                new Payments.Filter(payerId, organizationId, appId, status, provider, refundDue)));
    }

    @GetMapping("/api/admin/payments/{id}")
    @Operation(summary = "Get a payment")
    Envelope<Payment> get(@PathVariable String id) {
        return Envelope.ok(payments.get(id));
    }

    record RefundRequest(@Min(1) Long amountMinor) {}

    @PostMapping("/api/admin/payments/{id}/refund")
    @Operation(summary = "Refund a payment at its provider", description = "Whole by default. Unspent credits are taken back; spent ones become "
            + "a debt. Send an Idempotency-Key: a retry with it answers the first answer (and is the same refund at the provider), the "
            + "same key with another body is 422.")
    ResponseEntity<String> refund(@PathVariable String id, @Valid @RequestBody(required = false) RefundRequest request, HttpServletRequest http) {
        Payment before = payments.get(id);
        String key = Idempotency.checkKey(http.getHeader(Idempotency.HEADER));
        return idempotent.run("admin", http, request == null ? new RefundRequest(null) : request, id, payments::get, claim -> {
            long amount = request == null || request.amountMinor() == null ? before.amountMinor() - before.refundedMinor() : request.amountMinor();
            Payment after = refunds.refund(id, amount, key);
            transactions.executeWithoutResult(tx -> {
                claim.accept(id);
                audit.record("payment.refunded", "payment", id, before, after);
            });
            return new IdempotentRequests.Answer(200, Envelope.ok(after));
        });
    }

    record SandboxOutcome(@NotNull @Pattern(regexp = "succeed|fail", message = "must be succeed or fail") String outcome) {}

    @PostMapping("/api/admin/payments/{id}/sandbox-outcome")
    @Operation(summary = "Settle a pending sandbox payment", description = "Plays the provider's callback for the built-in sandbox")
    Envelope<Payment> sandbox(@PathVariable String id, @Valid @RequestBody SandboxOutcome request) {
        Payment payment = payments.get(id);
        if (payment.provider() != ProviderName.SANDBOX) throw ApiException.invalidField("id", "is not a sandbox payment");
        payments.remember(id, Map.of(SandboxProvider.RESOLUTION, request.outcome()));
        return Envelope.ok(payments.refresh(id));
    }

    @GetMapping("/api/admin/credit-prices")
    @Operation(summary = "Price of a credit per currency")
    Envelope<List<CreditPrices.CreditPrice>> creditPrices() {
        return Envelope.ok(prices.list());
    }

    record PriceRequest(@NotNull @Min(1) @Max(1_000_000_000L) Long pricePerCreditMinor, @Min(1) Long minCredits, @Min(1) Long maxCredits) {}

    @PutMapping("/api/admin/credit-prices/{currency}")
    @Operation(summary = "Set the price of a credit in a currency", description = "min_credits and max_credits keep their values when left out "
            + "(a new currency starts at 1 and 1,000,000)")
    Envelope<CreditPrices.CreditPrice> putPrice(@PathVariable String currency, @Valid @RequestBody PriceRequest request) {
        if (!currency.matches("[A-Z]{3}")) throw ApiException.invalidField("currency", "must be an ISO 4217 code");
        return Envelope.ok(prices.put(currency, request.pricePerCreditMinor(), request.minCredits(), request.maxCredits()));
    }
}
