package io.tollgate.catalog;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Records the catalog's events as a listener sees them, and whether they came inside the publishing transaction. */
@Component
class CatalogEvents {
    record Seen(Object event, boolean inTransaction) {}

    final List<Seen> seen = new CopyOnWriteArrayList<>();

    @EventListener
    void on(AppActivated event) {
        seen.add(new Seen(event, TransactionSynchronizationManager.isActualTransactionActive()));
    }

    @EventListener
    void on(AppDeactivated event) {
        seen.add(new Seen(event, TransactionSynchronizationManager.isActualTransactionActive()));
    }

    List<Seen> of(String activationId) {
        return seen.stream().filter(s -> switch (s.event()) {
            case AppActivated a -> a.activationId().equals(activationId);
            case AppDeactivated d -> d.activationId().equals(activationId);
            default -> false;
        }).toList();
    }
}
