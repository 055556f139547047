package io.tollgate.billing;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Admin: subscriptions")
class SubscriptionAdminController {
    private final Subscriptions subscriptions;
    private final SubscriptionLifecycle lifecycle;
    private final Mrr mrr;

    SubscriptionAdminController(Subscriptions subscriptions, SubscriptionLifecycle lifecycle, Mrr mrr) {
        this.subscriptions = subscriptions;
        this.lifecycle = lifecycle;
        this.mrr = mrr;
    }

    @GetMapping("/api/admin/billing/mrr")
    @Operation(summary = "Monthly recurring revenue", description = "Seed 001's MRR: active subscriptions' prices summed per currency in "
            + "minor units (mrr_minor / 100 is seed 001's dollars); a yearly price counts a twelfth, rounded half up per plan")
    Envelope<List<Mrr.ByCurrency>> mrr() {
        return Envelope.ok(mrr.byCurrency());
    }

    record StartRequest(@NotNull @Pattern(regexp = "end_user|organization", message = "must be end_user or organization") String subscriberType,
                        @NotNull @Size(min = 1, max = 64) String subscriberId,
                        @Size(max = 64) String appId,
                        @NotNull @Size(min = 1, max = 50) String planId) {}

    @PostMapping("/api/admin/subscriptions")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Put a payer on a plan now", description = "Ends the payer's current subscription (unless Stripe bills it: cancel that "
            + "first); no payment is taken, and renewals are free of charge (payment_method none)")
    Envelope<Subscription> start(@Valid @RequestBody StartRequest request) {
        return Envelope.ok(lifecycle.startByOperator(request.subscriberType(), request.subscriberId(), request.appId(), request.planId()));
    }

    @GetMapping("/api/admin/subscriptions")
    @Operation(summary = "List subscriptions")
    Envelope<List<Subscription>> list(@RequestParam(required = false) Integer page,
                                      @RequestParam(name = "per_page", required = false) Integer perPage,
                                      @RequestParam(name = "subscriber_id", required = false) String subscriberId,
                                      @RequestParam(required = false) String status) {
        return Envelope.page(subscriptions.list(PageQuery.of(page, perPage), subscriberId, status));
    }

    @GetMapping("/api/admin/subscriptions/{id}")
    @Operation(summary = "Get a subscription")
    Envelope<Subscription> get(@PathVariable String id) {
        return Envelope.ok(subscriptions.get(id));
    }

    @GetMapping("/api/admin/subscriptions/{id}/charges")
    @Operation(summary = "A subscription's charges", description = "First payment, renewals, plan changes with their proration; newest first, the last 100")
    Envelope<List<SubscriptionCharge>> charges(@PathVariable String id) {
        return Envelope.ok(subscriptions.charges(subscriptions.get(id).id()));
    }

    @DeleteMapping("/api/admin/subscriptions/{id}")
    @Operation(summary = "Cancel a subscription", description = "Now, or with at_period_end=true at the end of its paid period; Stripe's are canceled at Stripe")
    Envelope<Subscription> cancel(@PathVariable String id, @RequestParam(name = "at_period_end", defaultValue = "false") boolean atPeriodEnd) {
        return Envelope.ok(lifecycle.cancel(subscriptions.get(id), atPeriodEnd, "canceled_by_operator", true));
    }
}
