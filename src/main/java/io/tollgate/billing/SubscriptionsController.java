package io.tollgate.billing;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Seed 000's /api/v1/subscriptions: the caller's subscriptions — the end user's when the call names
 * one, else the app's organization's (server calls without a user).
 */
@RestController
@Tag(name = "App API: subscriptions")
class SubscriptionsController {
    static final String PHONE = "\\+?[0-9 -]{7,20}";
    static final String PHONE_MESSAGE = "must be a phone number with country code, e.g. 254712345678";
    private final SubscriptionLifecycle lifecycle;
    private final PlanChanges changes;
    private final Subscriptions subscriptions;
    private final SubscriptionView views;
    private final IdempotentCalls idempotent;

    SubscriptionsController(SubscriptionLifecycle lifecycle, PlanChanges changes, Subscriptions subscriptions, SubscriptionView views,
                            IdempotentCalls idempotent) {
        this.lifecycle = lifecycle;
        this.changes = changes;
        this.subscriptions = subscriptions;
        this.views = views;
        this.idempotent = idempotent;
    }

    record SubscribeRequest(
            @NotNull @Size(min = 1, max = 50) String planId,
            @Pattern(regexp = "sandbox|mpesa|stripe", message = "must be sandbox, mpesa or stripe") String paymentMethod,
            @Size(max = 20) @Pattern(regexp = PHONE, message = PHONE_MESSAGE) String phoneNumber,
            @Pattern(regexp = "pm_[A-Za-z0-9_]{1,200}", message = "must be a Stripe payment method id (pm_…)") String paymentMethodId,
            Boolean autoRenew,
            @Pattern(regexp = "succeed|fail|pending", message = "must be succeed, fail or pending") String sandboxOutcome,
            @Pattern(regexp = "succeed|fail|pending", message = "must be succeed, fail or pending") String sandboxRenewalOutcome) {

        SubscriptionLifecycle.Order order(AppCaller caller) {
            return new SubscriptionLifecycle.Order(planId, paymentMethod, phoneNumber, paymentMethodId, autoRenew, sandboxOutcome,
                    sandboxRenewalOutcome, caller);
        }
    }

    record ChangeRequest(
            @NotNull @Size(min = 1, max = 50) String planId,
            @Pattern(regexp = "sandbox|mpesa", message = "must be sandbox or mpesa") String paymentMethod,
            @Size(max = 20) @Pattern(regexp = PHONE, message = PHONE_MESSAGE) String phoneNumber,
            @Pattern(regexp = "succeed|fail|pending", message = "must be succeed, fail or pending") String sandboxOutcome) {}

    @GetMapping("/api/v1/subscriptions")
    @RequiresScope(Scopes.SUBSCRIPTIONS_MANAGE)
    @Operation(summary = "The caller's subscriptions", description = "Newest first, live and ended. Each has seed 000's block "
            + "(plan, status, expires_at) and the whole subscription. status filters (incomplete, active, past_due, unpaid, canceled).")
    Envelope<List<Map<String, Object>>> list(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                             @RequestParam(required = false) Integer page,
                                             @RequestParam(name = "per_page", required = false) Integer perPage,
                                             @RequestParam(required = false) String status) {
        if (status != null && !Subscription.LIVE.contains(status) && !List.of(Subscription.UNPAID, Subscription.CANCELED).contains(status)) {
            throw ApiException.invalidField("status", "must be incomplete, active, past_due, unpaid or canceled");
        }
        Subscriber who = subscriber(caller, user);
        String app = Subscriber.END_USER.equals(who.type()) ? caller.appId() : null;
        return Envelope.page(subscriptions.list(PageQuery.of(page, perPage), who.type(), who.id(), app, status).map(views::of));
    }

    @GetMapping("/api/v1/subscriptions/{id}")
    @RequiresScope(Scopes.SUBSCRIPTIONS_MANAGE)
    @Operation(summary = "One of the caller's subscriptions", description = "With its charges: first payment, renewals, plan changes and their proration")
    Envelope<Map<String, Object>> get(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                      @PathVariable String id) {
        Subscription s = owned(caller, user, id);
        Map<String, Object> view = new LinkedHashMap<>(views.of(s));
        view.put("charges", subscriptions.charges(s.id()));
        return Envelope.ok(view);
    }

    @PostMapping("/api/v1/subscriptions")
    @RequiresScope(Scopes.SUBSCRIPTIONS_MANAGE)
    @Operation(summary = "Subscribe to a plan", description = "payment_method sandbox, mpesa (phone_number; KES plans) or stripe "
            + "(payment_method_id pm_… is charged now; without one, confirm the first invoice with client_secret and publishable_key). "
            + "A paid plan starts incomplete and becomes active when its first payment succeeds (at once for the sandbox); a free plan "
            + "starts active. Subscribed already to another plan: this changes the plan now, with proration (as PUT /api/v1/subscriptions/{id}). "
            + "201 created, 200 changed, 402 PAYMENT_FAILED when the payment is declined at once. sandbox_renewal_outcome makes sandbox "
            + "renewals succeed, fail or stay pending. Send an Idempotency-Key to make retries safe.")
    ResponseEntity<String> subscribe(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                     @Valid @RequestBody SubscribeRequest request, HttpServletRequest http) {
        Subscriber who = subscriber(caller, user);
        return idempotent.run(caller, http, request, who.id(),
                claim -> SubscriptionAnswers.of(lifecycle.subscribe(who, request.order(caller), claim), views));
    }

    @PutMapping("/api/v1/subscriptions/{id}")
    @RequiresScope(Scopes.SUBSCRIPTIONS_MANAGE)
    @Operation(summary = "Change plan now (upgrade or downgrade)", description = "Same currency and billing cycle. remaining = period_end − now "
            + "in seconds; credit = round(old price × remaining / period), charge = round(new price × remaining / period), each to the nearest "
            + "minor unit, halves up. A positive net is paid now (the plan changes when it succeeds); a negative net changes the plan now and is "
            + "kept as credit_balance_minor for the next renewals. Stripe subscriptions use Stripe's proration, invoiced now. "
            + "payment_method is needed only for a subscription an operator set up. Send an Idempotency-Key to make retries safe.")
    ResponseEntity<String> change(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                  @PathVariable String id, @Valid @RequestBody ChangeRequest request, HttpServletRequest http) {
        Subscription s = owned(caller, user, id);
        var order = new SubscriptionLifecycle.Order(request.planId(), request.paymentMethod(), request.phoneNumber(), null, null,
                request.sandboxOutcome(), null, caller);
        return idempotent.run(caller, http, request, s.subscriberId(),
                claim -> SubscriptionAnswers.of(changes.change(s, lifecycle.planFor(request.planId(), s.subscriberType()), order, claim), views));
    }

    record Settings(@NotNull Boolean autoRenew) {}

    @PatchMapping("/api/v1/subscriptions/{id}")
    @RequiresScope(Scopes.SUBSCRIPTIONS_MANAGE)
    @Operation(summary = "Turn auto_renew on or off", description = "Off: the subscription ends with its paid period (for Stripe, "
            + "cancel_at_period_end at Stripe). On: it renews again, which also undoes a cancel at period end. 409 unless incomplete, active "
            + "or past_due.")
    Envelope<Map<String, Object>> settings(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                           @PathVariable String id, @Valid @RequestBody Settings request) {
        Subscription s = owned(caller, user, id);
        return Envelope.ok(views.of(lifecycle.autoRenew(s, request.autoRenew())));
    }

    @DeleteMapping("/api/v1/subscriptions/{id}")
    @RequiresScope(Scopes.SUBSCRIPTIONS_MANAGE)
    @Operation(summary = "Cancel a subscription", description = "Now by default (the plan stops applying at once; no refund), or with "
            + "at_period_end=true at the end of the paid period (it stays active until then and is not renewed)")
    Envelope<Map<String, Object>> cancel(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                         @PathVariable String id, @RequestParam(name = "at_period_end", defaultValue = "false") boolean atPeriodEnd) {
        Subscription s = owned(caller, user, id);
        return Envelope.ok(views.of(lifecycle.cancel(s, atPeriodEnd, "canceled_by_subscriber", false)));
    }

    private static Subscriber subscriber(AppCaller caller, EndUserCaller user) {
        return user != null ? new Subscriber(Subscriber.END_USER, user.id(), caller.appId(), caller.organizationId())
                : new Subscriber(Subscriber.ORGANIZATION, caller.organizationId(), caller.appId(), caller.organizationId());
    }

    private Subscription owned(AppCaller caller, EndUserCaller user, String id) {
        Subscription s = subscriptions.find(id).orElseThrow(() -> ApiException.notFound("subscription", id));
        if (!subscriber(caller, user).owns(s)) throw ApiException.notFound("subscription", id);
        return s;
    }
}
