package io.tollgate.identity;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Test listener: records identity's events and whether each arrived inside the publishing transaction. */
@Component
class IdentityEvents {
    record Seen(Object event, boolean inTransaction) {}

    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @EventListener
    void created(EndUserCreated event) {
        seen.add(new Seen(event, TransactionSynchronizationManager.isActualTransactionActive()));
    }

    @EventListener
    void merged(EndUserMerged event) {
        seen.add(new Seen(event, TransactionSynchronizationManager.isActualTransactionActive()));
    }

    List<Seen> about(String userId) {
        return seen.stream().filter(s -> switch (s.event()) {
            case EndUserCreated c -> c.userId().equals(userId);
            case EndUserMerged m -> m.fromUserId().equals(userId) || m.intoUserId().equals(userId);
            default -> false;
        }).toList();
    }
}
