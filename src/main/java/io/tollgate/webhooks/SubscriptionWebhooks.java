package io.tollgate.webhooks;

import static io.tollgate.webhooks.OrganizationOf.text;

import io.tollgate.billing.Subscription;
import io.tollgate.billing.SubscriptionChanged;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** subscription.* from every write of a subscription row (billing publishes each with its before and after). */
@Component
class SubscriptionWebhooks {
    private final Outbox outbox;
    private final OrganizationOf organizations;

    SubscriptionWebhooks(Outbox outbox, OrganizationOf organizations) {
        this.outbox = outbox;
        this.organizations = organizations;
    }

    @EventListener
    void changed(SubscriptionChanged e) {
        Subscription s = e.after();
        String organizationId = organizations.of(s.organizationId(), s.appId());
        for (String type : types(e.before(), s)) outbox.publish(organizationId, type, () -> data(s));
    }

    /**
     * What a change means to a subscriber. created: a new row. renewed: a period that is paid, after the
     * first — the period moved forward while active (a free renewal, Stripe's invoice), or an unpaid one
     * was paid (past_due or unpaid → active). past_due and canceled: entering that status. Pure.
     */
    static List<String> types(Subscription before, Subscription after) {
        List<String> types = new ArrayList<>(1);
        if (before == null) {
            types.add("subscription.created");
            return types;
        }
        String from = before.status();
        String to = after.status();
        boolean periodMoved = after.currentPeriodStart() != null && before.currentPeriodStart() != null
                && after.currentPeriodStart().isAfter(before.currentPeriodStart());
        if (Subscription.ACTIVE.equals(to) && !Subscription.INCOMPLETE.equals(from)
                && (periodMoved || Set.of(Subscription.PAST_DUE, Subscription.UNPAID).contains(from))) {
            types.add("subscription.renewed");
        }
        if (Subscription.PAST_DUE.equals(to) && !Subscription.PAST_DUE.equals(from)) types.add("subscription.past_due");
        if (Subscription.CANCELED.equals(to) && !Subscription.CANCELED.equals(from)) types.add("subscription.canceled");
        return types;
    }

    static Map<String, Object> data(Subscription s) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", s.id());
        data.put("plan_id", s.planId());
        data.put("status", s.status());
        data.put("subscriber_type", s.subscriberType());
        data.put("subscriber_id", s.subscriberId());
        data.put("app_id", s.appId());
        data.put("current_period_start", text(s.currentPeriodStart()));
        data.put("current_period_end", text(s.currentPeriodEnd()));
        data.put("cancel_at_period_end", s.cancelAtPeriodEnd());
        data.put("canceled_at", text(s.canceledAt()));
        data.put("cancel_reason", s.cancelReason());
        data.put("payment_method", s.paymentMethod());
        data.put("price_minor", s.priceMinor());
        data.put("currency", s.currency());
        return data;
    }
}
