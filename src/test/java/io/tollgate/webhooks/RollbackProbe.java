package io.tollgate.webhooks;

import io.tollgate.payments.PaymentEvents;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A fault for OutboxAtomicityTest, armed only by a purchase of exactly {@link #CREDITS} credits: at the
 * very end of the settling transaction — after the outbox has written payment.succeeded into it — it
 * records whether the row was there, then fails the commit.
 */
@Component
class RollbackProbe {
    static final long CREDITS = 4_242;
    static volatile Long messagesSeenBeforeRollback;
    private final JdbcClient jdbc;

    RollbackProbe(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventListener
    void on(PaymentEvents.Succeeded event) {
        if (event.payment().credits() != CREDITS) return;
        String paymentId = event.payment().id();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public int getOrder() {
                return Ordered.LOWEST_PRECEDENCE;
            }

            @Override
            public void beforeCommit(boolean readOnly) {
                messagesSeenBeforeRollback = jdbc.sql("SELECT count(*) FROM webhook_messages WHERE body LIKE ?")
                        .param("%" + paymentId + "%").query(Long.class).single();
                throw new IllegalStateException("RollbackProbe: the settlement of " + paymentId + " fails at its commit");
            }
        });
    }
}
