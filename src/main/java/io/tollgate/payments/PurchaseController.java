package io.tollgate.payments;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.ledger.WalletOwner;
import io.tollgate.ledger.Wallets;
import io.tollgate.limits.EndpointClass;
import io.tollgate.limits.RateLimitClass;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Seed 000's /api/v1/credits/purchase and /api/v1/payments/status/:id (seed 004's M-Pesa status and
 * Stripe confirm are this status call). The end user pays when the call names one, otherwise the
 * app's organization (seed 001 token purchases).
 */
@RestController
@Tag(name = "App API: payments")
class PurchaseController {
    private final Payments payments;
    private final CreditPrices prices;
    private final Wallets wallets;
    private final IdempotentRequests idempotent;
    private final SandboxPolicy sandbox;
    private final String defaultCurrency;

    PurchaseController(Payments payments, CreditPrices prices, Wallets wallets, IdempotentRequests idempotent, SandboxPolicy sandbox,
                       @Value("${tollgate.payments.default-currency}") String defaultCurrency) {
        this.payments = payments;
        this.prices = prices;
        this.wallets = wallets;
        this.idempotent = idempotent;
        this.sandbox = sandbox;
        this.defaultCurrency = defaultCurrency;
    }

    record PurchaseRequest(
            @NotNull @Min(1) @Max(100_000_000) Long amount,
            @NotNull ProviderName paymentMethod,
            @Size(max = 20) @Pattern(regexp = "\\+?[0-9 -]{7,20}", message = "must be a phone number with country code, e.g. 254712345678") String phoneNumber,
            @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as KES, THB, USD, AED") String currency,
            @Size(max = 255) String paymentMethodId,
            @Pattern(regexp = "succeed|fail|pending", message = "must be succeed, fail or pending") String sandboxOutcome) {}

    @PostMapping("/api/v1/credits/purchase")
    @RequiresScope(Scopes.CREDITS_PURCHASE)
    @RateLimitClass(EndpointClass.BILLING)
    @Operation(summary = "Buy credits", description = "amount is a number of credits; the price comes from the currency's price per credit. "
            + "Credits are granted only when the provider confirms. Stripe answers with a client_secret, M-Pesa sends an STK push "
            + "to phone_number (KES). sandbox needs a test key (403 SANDBOX_NOT_ALLOWED for a live key unless TOLLGATE_SANDBOX_PAYMENTS=live). "
            + "Send an Idempotency-Key to make retries safe.")
    ResponseEntity<String> purchase(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                    @Valid @RequestBody PurchaseRequest request, HttpServletRequest http) {
        String currency = request.currency() != null ? request.currency() : request.paymentMethod() == ProviderName.MPESA ? "KES" : defaultCurrency;
        if (request.paymentMethod() == ProviderName.MPESA) {
            if (!"KES".equals(currency)) throw ApiException.invalidField("currency", "must be KES for M-Pesa");
            if (request.phoneNumber() == null) throw ApiException.invalidField("phone_number", "is required for M-Pesa");
        }
        long priceMinor = prices.priceOf(request.amount(), currency);
        payments.provider(request.paymentMethod());
        sandbox.check(request.paymentMethod(), caller);
        String payerType = user != null ? "end_user" : "organization";
        String payerId = user != null ? user.id() : caller.organizationId();
        String wallet = user != null ? wallets.walletFor(WalletOwner.END_USER, user.id(), caller.appId())
                : wallets.walletFor(WalletOwner.ORGANIZATION, caller.organizationId(), null);

        return idempotent.run("app:" + caller.appId(), http, request, payerId, id -> view(payments.get(id)), claim -> {
            Payments.Started started = payments.start(new Payments.Request(payerType, payerId, caller.appId(), caller.organizationId(), wallet,
                    PaymentPurpose.CREDIT_PURCHASE, null, request.paymentMethod(), priceMinor, currency, request.amount(),
                    new PaymentProvider.StartOptions(request.phoneNumber(), request.paymentMethodId(), request.sandboxOutcome(),
                            request.amount() + " credits")), claim);
            Map<String, Object> data = view(started.payment());
            data.putAll(started.clientData());
            return new IdempotentRequests.Answer(201, Envelope.ok(data));
        });
    }

    @GetMapping("/api/v1/payments/status/{id}")
    @RequiresScope(Scopes.PAYMENTS_READ)
    @Operation(summary = "Payment status", description = "Answers from our record; while pending, asks the provider (M-Pesa status query, Stripe PaymentIntent). "
            + "id is the payment id, or an M-Pesa CheckoutRequestID")
    Envelope<Map<String, Object>> status(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                         @PathVariable String id) {
        Payment payment = owned(caller, user, id);
        if (payment.pending()) payment = payments.refresh(payment.id());
        return Envelope.ok(view(payment));
    }

    @GetMapping("/api/v1/payments")
    @RequiresScope(Scopes.PAYMENTS_READ)
    @Operation(summary = "The caller's payments", description = "The end user's when the call names one, else the app's")
    Envelope<List<Map<String, Object>>> list(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                             @RequestParam(required = false) Integer page,
                                             @RequestParam(name = "per_page", required = false) Integer perPage) {
        var filter = new Payments.Filter(user == null ? null : user.id(), null, caller.appId(), null, null);
        return Envelope.page(payments.list(PageQuery.of(page, perPage), filter).map(PurchaseController::view));
    }

    /** id: the payment's, or — as seed 004's M-Pesa status call takes — its CheckoutRequestID. */
    private Payment owned(AppCaller caller, EndUserCaller user, String id) {
        Payment payment = payments.find(id)
                .or(() -> id.length() <= 255 ? payments.byReference(ProviderName.MPESA, id) : java.util.Optional.empty())
                .orElseThrow(() -> io.tollgate.platform.ApiException.notFound("payment", id));
        boolean sameApp = caller.appId().equals(payment.appId());
        boolean sameUser = user == null || user.id().equals(payment.payerId());
        if (!sameApp || !sameUser) throw io.tollgate.platform.ApiException.notFound("payment", id);
        return payment;
    }

    /** What apps see of a payment: no provider internals. */
    static Map<String, Object> view(Payment p) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", p.id());
        view.put("status", p.status());
        view.put("purpose", p.purpose());
        view.put("payment_method", p.provider());
        view.put("amount_minor", p.amountMinor());
        view.put("currency", p.currency());
        view.put("credits", p.credits());
        view.put("provider_reference", p.providerReference());
        view.put("failure_code", p.failureCode());
        view.put("failure_message", p.failureMessage());
        view.put("refunded_minor", p.refundedMinor());
        view.put("created_at", p.createdAt());
        view.put("settled_at", p.settledAt());
        return view;
    }
}
