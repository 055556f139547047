package io.tollgate.payments.stripe;

import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import io.tollgate.payments.StripeSubscription;
import java.time.Instant;
import java.util.Map;

/**
 * Stripe's objects to ours. Since API 2025-03-31 a subscription's period lives on its items; events of
 * an endpoint on an older API version carry it at the top level (current_period_start/end), which
 * stripe-java's current model no longer reads — raw is the event object's own JSON for that case.
 */
final class StripeObjects {
    private StripeObjects() {}

    static StripeSubscription subscription(Subscription s) {
        return subscription(s, Map.of());
    }

    static StripeSubscription subscription(Subscription s, Map<String, Object> raw) {
        SubscriptionItem item = s.getItems() == null || s.getItems().getData() == null || s.getItems().getData().isEmpty()
                ? null : s.getItems().getData().getFirst();
        Instant start = item == null ? null : instant(item.getCurrentPeriodStart());
        Instant end = item == null ? null : instant(item.getCurrentPeriodEnd());
        if (start == null || end == null) {
            start = instant(number(raw.get("current_period_start")));
            end = instant(number(raw.get("current_period_end")));
        }
        return new StripeSubscription(s.getId(), s.getCustomer(), s.getStatus(),
                item == null ? null : item.getId(),
                item == null || item.getPrice() == null ? null : item.getPrice().getId(),
                start, end,
                Boolean.TRUE.equals(s.getCancelAtPeriodEnd()),
                instant(s.getEndedAt()),
                s.getMetadata() == null ? Map.of() : Map.copyOf(s.getMetadata()),
                s.getPendingUpdate() != null);
    }

    static Instant instant(Long epochSeconds) {
        return epochSeconds == null ? null : Instant.ofEpochSecond(epochSeconds);
    }

    static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> child(Map<String, Object> parent, String field) {
        return parent != null && parent.get(field) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
