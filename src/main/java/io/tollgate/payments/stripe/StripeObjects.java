package io.tollgate.payments.stripe;

import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import io.tollgate.payments.StripeSubscription;
import java.time.Instant;
import java.util.Map;

/** Stripe's objects to ours. Since API 2025-03-31 a subscription's period lives on its items. */
final class StripeObjects {
    private StripeObjects() {}

    static StripeSubscription subscription(Subscription s) {
        SubscriptionItem item = s.getItems() == null || s.getItems().getData() == null || s.getItems().getData().isEmpty()
                ? null : s.getItems().getData().getFirst();
        return new StripeSubscription(s.getId(), s.getCustomer(), s.getStatus(),
                item == null ? null : item.getId(),
                item == null || item.getPrice() == null ? null : item.getPrice().getId(),
                item == null ? null : instant(item.getCurrentPeriodStart()),
                item == null ? null : instant(item.getCurrentPeriodEnd()),
                Boolean.TRUE.equals(s.getCancelAtPeriodEnd()),
                instant(s.getEndedAt()),
                s.getMetadata() == null ? Map.of() : Map.copyOf(s.getMetadata()));
    }

    static Instant instant(Long epochSeconds) {
        return epochSeconds == null ? null : Instant.ofEpochSecond(epochSeconds);
    }
}
