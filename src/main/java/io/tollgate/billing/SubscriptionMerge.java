package io.tollgate.billing;

import static io.tollgate.billing.SubscriptionStore.ts;

import io.tollgate.identity.EndUserMerged;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * An anonymous user who signs in to an account brings its subscriptions along (in the merging
 * transaction). If both had a live one, the account's stays and the anonymous one is canceled
 * (reason merged; a Stripe one is canceled at Stripe too); its payments stay on record for an operator to refund.
 */
@Component
class SubscriptionMerge {
    private static final Logger log = LoggerFactory.getLogger(SubscriptionMerge.class);
    private final JdbcClient jdbc;
    private final SubscriptionStore store;
    private final StripeCancels stripeCancels;
    private final Clock clock;

    SubscriptionMerge(JdbcClient jdbc, SubscriptionStore store, StripeCancels stripeCancels, Clock clock) {
        this.jdbc = jdbc;
        this.store = store;
        this.stripeCancels = stripeCancels;
        this.clock = clock;
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void onEndUserMerged(EndUserMerged merged) {
        var into = store.lockLive(Subscriber.END_USER, merged.intoUserId());
        var from = store.lockLive(Subscriber.END_USER, merged.fromUserId());
        if (into.isPresent() && from.isPresent()) {
            log.warn("End user {} merged into {}: both subscribed; {} is canceled", merged.fromUserId(), merged.intoUserId(), from.get().id());
            store.update(from.get(), "status = 'canceled', canceled_at = ?, cancel_reason = 'merged'", ts(clock.instant()));
            if (from.get().stripe()) stripeCancels.afterCommit(from.get().stripeSubscriptionId(), "merged into another account's subscription");
        }
        int moved = jdbc.sql("UPDATE subscriptions SET subscriber_id = ?, updated_at = now() WHERE subscriber_type = 'end_user' AND subscriber_id = ?")
                .params(merged.intoUserId(), merged.fromUserId()).update();
        if (moved > 0) {
            store.changed(Subscriber.END_USER, merged.fromUserId());
            store.changed(Subscriber.END_USER, merged.intoUserId());
        }
    }
}
