package io.tollgate.billing;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.limits.EndpointClass;
import io.tollgate.limits.RateLimitClass;
import io.tollgate.metering.Plan;
import io.tollgate.metering.Plans;
import io.tollgate.platform.Envelope;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Seed 001's billing API for organizations: the plans on offer, and subscribing the organization to one. */
@RestController
@Tag(name = "Customer API: billing")
@RateLimitClass(EndpointClass.BILLING)
class CustomerBillingController {
    private final Plans plans;
    private final SubscriptionLifecycle lifecycle;
    private final Subscriptions subscriptions;
    private final SubscriptionView views;
    private final IdempotentCalls idempotent;

    CustomerBillingController(Plans plans, SubscriptionLifecycle lifecycle, Subscriptions subscriptions, SubscriptionView views,
                              IdempotentCalls idempotent) {
        this.plans = plans;
        this.lifecycle = lifecycle;
        this.subscriptions = subscriptions;
        this.views = views;
        this.idempotent = idempotent;
    }

    record PlanView(String id, String name, long tokensPerMonth, long priceCents, Plan.BillingCycle billingCycle, List<String> features,
                    String stripePriceId) {}

    @GetMapping("/api/v1/customer/billing/plans")
    @RequiresScope(Scopes.BILLING_READ)
    @Operation(summary = "Billing plans", description = "The active organization plans, as seed 001 lists them: price_cents is the price in "
            + "minor units of the plan's currency; tokens_per_month -1 means unlimited")
    Envelope<Map<String, List<PlanView>>> plans() {
        List<PlanView> list = plans.list(Plan.PlanAudience.ORGANIZATION, true).stream()
                .map(p -> new PlanView(p.id(), p.name(), p.tokensPerMonth(), p.priceMinor(), p.billingCycle(), p.features(), p.stripePriceId()))
                .toList();
        return Envelope.ok(Map.of("plans", list));
    }

    record SubscribeRequest(
            @NotNull @Size(min = 1, max = 50) String planId,
            @Pattern(regexp = "pm_[A-Za-z0-9_]{1,200}", message = "must be a Stripe payment method id (pm_…)") String paymentMethodId,
            @Pattern(regexp = "sandbox|mpesa|stripe", message = "must be sandbox, mpesa or stripe") String paymentMethod,
            @Size(max = 20) @Pattern(regexp = SubscriptionsController.PHONE, message = SubscriptionsController.PHONE_MESSAGE) String phoneNumber,
            Boolean autoRenew,
            @Pattern(regexp = "succeed|fail|pending", message = "must be succeed, fail or pending") String sandboxOutcome,
            @Pattern(regexp = "succeed|fail|pending", message = "must be succeed, fail or pending") String sandboxRenewalOutcome) {}

    @PostMapping("/api/v1/customer/billing/subscribe")
    @RequiresScope(Scopes.BILLING_MANAGE)
    @Operation(summary = "Subscribe the organization to a plan", description = "Seed 001: {plan_id, payment_method_id} — a Stripe payment "
            + "method (pm_…) is charged through a Stripe subscription. payment_method sandbox or mpesa (with phone_number) work without Stripe. "
            + "Already subscribed to another plan: the plan changes now, with proration. 201 created, 200 changed, 402 PAYMENT_FAILED. "
            + "Send an Idempotency-Key to make retries safe.")
    ResponseEntity<String> subscribe(AppCaller caller, @Valid @RequestBody SubscribeRequest request, HttpServletRequest http) {
        Subscriber who = new Subscriber(Subscriber.ORGANIZATION, caller.organizationId(), caller.appId(), caller.organizationId());
        var order = new SubscriptionLifecycle.Order(request.planId(), request.paymentMethod(), request.phoneNumber(), request.paymentMethodId(),
                request.autoRenew(), request.sandboxOutcome(), request.sandboxRenewalOutcome(), caller);
        return idempotent.run(caller, http, request, who.id(), claim -> SubscriptionAnswers.of(lifecycle.subscribe(who, order, claim), views));
    }

    @GetMapping("/api/v1/customer/billing/subscription")
    @RequiresScope(Scopes.BILLING_READ)
    @Operation(summary = "The organization's current subscription", description = "Seed 001's customer_billing: plan, status, billing_cycle_start/end; "
            + "null when the organization has none (it is then on the default plan, if any)")
    Envelope<Map<String, Object>> current(AppCaller caller) {
        var page = subscriptions.list(io.tollgate.platform.PageQuery.of(1, 1), Subscriber.ORGANIZATION, caller.organizationId(), null, null);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("subscription", page.items().isEmpty() ? null : views.of(page.items().getFirst()));
        return Envelope.ok(data);
    }
}
