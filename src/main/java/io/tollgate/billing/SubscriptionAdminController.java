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

    SubscriptionAdminController(Subscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    record StartRequest(@NotNull @Pattern(regexp = "end_user|organization", message = "must be end_user or organization") String subscriberType,
                        @NotNull @Size(min = 1, max = 64) String subscriberId,
                        @Size(max = 64) String appId,
                        @NotNull @Size(min = 1, max = 50) String planId) {}

    @PostMapping("/api/admin/subscriptions")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Put a payer on a plan now", description = "Ends the payer's current subscription; no payment is taken")
    Envelope<Subscription> start(@Valid @RequestBody StartRequest request) {
        return Envelope.ok(subscriptions.start(new Subscriptions.Start(request.subscriberType(), request.subscriberId(), request.appId(),
                request.planId())));
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

    @DeleteMapping("/api/admin/subscriptions/{id}")
    @Operation(summary = "Cancel a subscription now")
    Envelope<Subscription> cancel(@PathVariable String id) {
        return Envelope.ok(subscriptions.cancelNow(id));
    }
}
