package io.tollgate.payments;

import io.tollgate.ledger.Grants;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The payments module's public face. A payment is recorded as pending and committed before its
 * provider is called (so money can never be taken for a payment we have no record of); it is settled
 * by whichever comes first of the provider's callback, a status check or the reconciler — the update
 * under the row lock decides, and credits are granted in the same transaction. A payment is failed
 * only when the provider can no longer take the money ({@link #giveUp}); should the provider still
 * report it paid later, the money is honoured: credits granted then, once.
 */
@Service
public class Payments {
    private static final Logger log = LoggerFactory.getLogger(Payments.class);
    private final JdbcClient jdbc;
    private final PaymentStore store;
    private final Grants grants;
    private final ProviderCalls calls;
    private final RefundRecorder refunds;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Map<ProviderName, PaymentProvider> providers = new EnumMap<>(ProviderName.class);

    Payments(JdbcClient jdbc, PaymentStore store, Grants grants, ProviderCalls calls, RefundRecorder refunds,
             TransactionTemplate transactions, ApplicationEventPublisher events, Clock clock, List<PaymentProvider> providers) {
        this.jdbc = jdbc;
        this.store = store;
        this.grants = grants;
        this.calls = calls;
        this.refunds = refunds;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
        providers.forEach(p -> this.providers.put(p.name(), p));
    }

    public record Request(String payerType, String payerId, String appId, String organizationId, String walletId,
                          PaymentPurpose purpose, String purposeRef, ProviderName provider, long amountMinor, String currency,
                          long credits, PaymentProvider.StartOptions options) {}

    public record Started(Payment payment, Map<String, Object> clientData) {}

    /** refundDue: only payments with (true) or without (false) a refund due; null for all. */
    public record Filter(String payerId, String organizationId, String appId, PaymentStatus status, ProviderName provider, Boolean refundDue) {
        public Filter(String payerId, String organizationId, String appId, PaymentStatus status, ProviderName provider) {
            this(payerId, organizationId, appId, status, provider, null);
        }
    }

    public boolean enabled(ProviderName name) {
        return providers.containsKey(name);
    }

    public PaymentProvider provider(ProviderName name) {
        PaymentProvider provider = providers.get(name);
        if (provider == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "PAYMENT_METHOD_UNAVAILABLE",
                    name.name().toLowerCase() + " is not configured on this server");
        }
        return provider;
    }

    /**
     * Records the payment (committed), then starts the provider's flow. inFirstTransaction runs before
     * the insert, in the same transaction (an Idempotency-Key claim); throwing there stops everything.
     */
    public Started start(Request r, Consumer<String> inFirstTransaction) {
        PaymentProvider provider = provider(r.provider());
        PaymentProvider.StartOptions options = provider.prepare(r.amountMinor(), r.currency(), r.options());
        String id = Ids.next("pay");
        transactions.executeWithoutResult(tx -> {
            if (inFirstTransaction != null) inFirstTransaction.accept(id);
            // The reconciler ages payments by the application's clock; record them by it too.
            store.insert(id, r, "pending", options.phoneNumber(), null, Map.of(), clock.instant());
        });
        Payment recorded = get(id);
        PaymentProvider.Started started;
        try {
            started = calls.call(r.provider(), provider.startIsIdempotent(), () -> provider.start(recorded, options));
        } catch (ProviderException e) {
            // Refused, or never sent (the circuit was open): nothing can have happened at the provider.
            if (!e.retryable() || ProviderCalls.neverCalled(e)) {
                return new Started(settle(id, PaymentProvider.State.failed(e.code(), e.getMessage())), Map.of());
            }
            // We cannot know whether the provider acted: the payment stays pending for the reconciler.
            log.warn("Starting payment {} at {} failed: {}", id, r.provider(), e.getMessage());
            store.lastError(id, e.code(), e.getMessage());
            return new Started(get(id), Map.of());
        }
        if (started.reference() != null) store.setReference(id, started.reference());
        return new Started(settle(id, started.state()), started.clientData() == null ? Map.of() : started.clientData());
    }

    /**
     * Settles a pending payment once (later calls return it unchanged), granting credits on success. A
     * success reported for a payment already failed or canceled is honoured too: the provider has the
     * money, so the payer gets what it paid for (once: the row lock and the status decide).
     */
    public Payment settle(String paymentId, PaymentProvider.State state) {
        return transactions.execute(tx -> {
            Payment p = store.lock(paymentId);
            if (p.pending()) {
                switch (state.outcome()) {
                    case PENDING -> {
                        jdbc.sql("UPDATE payments SET status_checks = status_checks + 1, updated_at = now() WHERE id = ?").param(paymentId).update();
                        if (state.failureCode() != null) store.lastError(paymentId, state.failureCode(), state.failureMessage());
                    }
                    case SUCCEEDED -> succeed(p);
                    case FAILED, CANCELED -> {
                        jdbc.sql("UPDATE payments SET status = ?, failure_code = ?, failure_message = ?, settled_at = ?, updated_at = now() WHERE id = ?")
                                .params(state.outcome() == PaymentProvider.Outcome.FAILED ? "failed" : "canceled",
                                        PaymentStore.truncate(state.failureCode(), 100), PaymentStore.truncate(state.failureMessage(), 500),
                                        Timestamp.from(clock.instant()), paymentId).update();
                        events.publishEvent(new PaymentEvents.Failed(get(paymentId)));
                    }
                }
            } else if (state.outcome() == PaymentProvider.Outcome.SUCCEEDED
                    && (p.status() == PaymentStatus.FAILED || p.status() == PaymentStatus.CANCELED)) {
                log.warn("Payment {} was {} ({}), and now {} reports it paid: honoured", p.id(), p.status(), p.failureCode(), p.provider());
                Map<String, Object> late = new LinkedHashMap<>();
                late.put("late_success_after", PaymentStore.lower(p.status()));
                late.put("late_success_failure_code", p.failureCode());
                late.put("late_success_at", clock.instant().toString());
                store.remember(paymentId, late);
                succeed(p);
            }
            if (state.refundedMinor() != null) refunds.apply(paymentId, state.refundedMinor());
            return get(paymentId);
        });
    }

    private void succeed(Payment p) {
        jdbc.sql("UPDATE payments SET status = 'succeeded', failure_code = NULL, failure_message = NULL, settled_at = ?, updated_at = now() WHERE id = ?")
                .params(Timestamp.from(clock.instant()), p.id()).update();
        succeeded(get(p.id()));
    }

    /** What a payment's success means, however it was recorded: bought credits granted, listeners told. */
    private Payment succeeded(Payment p) {
        if (p.purpose() == PaymentPurpose.CREDIT_PURCHASE && p.credits() > 0) grants.grantPurchase(p.walletId(), p.credits(), p.id());
        events.publishEvent(new PaymentEvents.Succeeded(p));
        return p;
    }

    /** Asks the provider about a pending payment and settles it if it has an answer (finding it first if its start answer was lost). */
    public Payment refresh(String paymentId) {
        Payment p = get(paymentId);
        if (!p.pending()) return p;
        if (p.providerReference() == null) return recover(paymentId);
        PaymentProvider provider = provider(p.provider());
        try {
            return settle(paymentId, calls.call(p.provider(), true, () -> provider.query(p)));
        } catch (ProviderException e) {
            log.info("Status of payment {} unknown for now: {}", paymentId, e.getMessage());
            return p;
        }
    }

    /** A pending payment without a provider id (its start answer was lost): looked up at the provider, and settled if found. */
    public Payment recover(String paymentId) {
        Payment p = get(paymentId);
        if (!p.pending() || p.providerReference() != null) return p;
        PaymentProvider provider = provider(p.provider());
        Optional<PaymentProvider.Started> found;
        try {
            found = calls.call(p.provider(), true, () -> provider.recover(p));
        } catch (ProviderException e) {
            log.info("Payment {} could not be looked up at {} for now: {}", paymentId, p.provider(), e.getMessage());
            return p;
        }
        if (found.isEmpty()) return p;
        store.setReference(paymentId, found.get().reference());
        return settle(paymentId, found.get().state());
    }

    /**
     * Gives up on a pending payment: the provider is first made unable to take the money (a Stripe
     * PaymentIntent is canceled), then the payment fails with {@code failure}. If that cannot be done now,
     * it stays pending (the reconciler tries again); if the provider was paid meanwhile, it succeeds.
     * {@code p} is the payment as {@link #refresh} just left it: a lost start answer was looked for there.
     */
    public Payment giveUp(Payment p, PaymentProvider.State failure) {
        if (!p.pending()) return p;
        String paymentId = p.id();
        PaymentProvider provider = provider(p.provider());
        PaymentProvider.State state;
        try {
            state = calls.call(p.provider(), true, () -> provider.cancel(p, failure));
        } catch (ProviderException e) {
            log.warn("Could not give up on payment {} at {} yet: {}", paymentId, p.provider(), e.getMessage());
            return p;
        }
        return settle(paymentId, state);
    }

    /**
     * A payment the provider took on its own (a Stripe subscription invoice), recorded as succeeded in
     * the caller's transaction, once per provider reference: a repeat returns the first record.
     */
    public Payment recordSettled(Request r, String reference, Map<String, Object> facts) {
        return transactions.execute(tx -> {
            Optional<Payment> known = store.byReference(r.provider(), reference);
            if (known.isPresent()) return known.get();
            String id = Ids.next("pay");
            store.insert(id, r, "succeeded", null, reference, facts, clock.instant());
            return succeeded(get(id));
        });
    }

    /** Stores a provider event once. False when it was seen before (a replay): the caller then does nothing. */
    public boolean recordEvent(ProviderName provider, String eventId, String type, String payload) {
        return jdbc.sql("INSERT INTO payment_events (provider, event_id, type, payload) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(PaymentStore.lower(provider), eventId, type, payload).update() == 1;
    }

    public void eventProcessed(ProviderName provider, String eventId, String outcome) {
        jdbc.sql("UPDATE payment_events SET processed_at = now(), outcome = ? WHERE provider = ? AND event_id = ?")
                .params(PaymentStore.truncate(outcome, 500), PaymentStore.lower(provider), eventId).update();
    }

    /** Keeps provider facts (customer ids, receipt numbers) with the payment. */
    public void remember(String paymentId, Map<String, Object> facts) {
        store.remember(paymentId, facts);
    }

    /** Sets the provider's id of a payment that has none yet (a callback matched to it); false if it has one. */
    public boolean attachReference(String paymentId, String reference) {
        return store.setReference(paymentId, reference);
    }

    public Optional<Payment> find(String id) {
        return store.find(id);
    }

    public Payment get(String id) {
        return store.get(id);
    }

    public Optional<Payment> byReference(ProviderName provider, String reference) {
        return store.byReference(provider, reference);
    }

    /** The recorded Stripe invoice payment this PaymentIntent paid. */
    public Optional<Payment> byStripePaymentIntent(String intentId) {
        return store.byStripePaymentIntent(intentId);
    }

    /** Whether a payment for this purpose (an invoice, say) is under way. */
    public boolean pendingFor(PaymentPurpose purpose, String purposeRef) {
        return store.pendingFor(purpose, purposeRef);
    }

    /** Pending payments of a provider with no provider id, made in [from, to) by this phone for this amount (at most 2: is it one?). */
    public List<Payment> unreferenced(ProviderName provider, String phoneNumber, long amountMinor, java.time.Instant from, java.time.Instant to) {
        return store.unreferenced(provider, phoneNumber, amountMinor, from, to);
    }

    public PageResult<Payment> list(PageQuery page, Filter f) {
        return store.list(page, f);
    }

    List<Payment> pendingOlderThan(java.time.Instant before, int limit) {
        return store.pendingOlderThan(before, limit);
    }
}
