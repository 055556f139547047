package io.tollgate.payments;

import io.tollgate.ledger.Ledger;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
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
 * once, by whichever comes first of the provider's callback, a status check or the reconciler — the
 * pending → final update decides, and credits are granted in the same transaction.
 */
@Service
public class Payments {
    private static final Logger log = LoggerFactory.getLogger(Payments.class);
    private final JdbcClient jdbc;
    private final Json json;
    private final Ledger ledger;
    private final ProviderCalls calls;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Map<ProviderName, PaymentProvider> providers = new EnumMap<>(ProviderName.class);

    Payments(JdbcClient jdbc, Json json, Ledger ledger, ProviderCalls calls, TransactionTemplate transactions,
             ApplicationEventPublisher events, Clock clock, List<PaymentProvider> providers) {
        this.jdbc = jdbc;
        this.json = json;
        this.ledger = ledger;
        this.calls = calls;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
        providers.forEach(p -> this.providers.put(p.name(), p));
    }

    public record Request(String payerType, String payerId, String appId, String organizationId, String walletId,
                          PaymentPurpose purpose, String purposeRef, ProviderName provider, long amountMinor, String currency,
                          long credits, PaymentProvider.StartOptions options) {}

    public record Started(Payment payment, Map<String, Object> clientData) {}

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
            jdbc.sql("""
                    INSERT INTO payments (id, payer_type, payer_id, app_id, organization_id, wallet_id, purpose, purpose_ref, provider,
                      status, amount_minor, currency, credits, phone_number, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)""")
                    .params(id, r.payerType(), r.payerId(), r.appId(), r.organizationId(), r.walletId(), lower(r.purpose()), r.purposeRef(),
                            lower(r.provider()), r.amountMinor(), r.currency(), r.credits(), options.phoneNumber(),
                            // The reconciler ages payments by the application's clock; record them by it too.
                            Timestamp.from(clock.instant()), Timestamp.from(clock.instant()))
                    .update();
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
            jdbc.sql("UPDATE payments SET failure_code = ?, failure_message = ?, updated_at = now() WHERE id = ?")
                    .params(e.code(), truncate(e.getMessage()), id).update();
            return new Started(get(id), Map.of());
        }
        if (started.reference() != null) {
            jdbc.sql("UPDATE payments SET provider_reference = ?, updated_at = now() WHERE id = ? AND provider_reference IS NULL")
                    .params(started.reference(), id).update();
        }
        Payment after = started.state().outcome() == PaymentProvider.Outcome.PENDING ? get(id) : settle(id, started.state());
        return new Started(after, started.clientData() == null ? Map.of() : started.clientData());
    }

    /** Settles a pending payment once; later calls return it unchanged. Grants credits on success. */
    public Payment settle(String paymentId, PaymentProvider.State state) {
        return transactions.execute(tx -> {
            Payment p = lock(paymentId);
            if (p.pending()) {
                switch (state.outcome()) {
                    case PENDING -> jdbc.sql("UPDATE payments SET status_checks = status_checks + 1, updated_at = now() WHERE id = ?")
                            .param(paymentId).update();
                    case SUCCEEDED -> {
                        jdbc.sql("UPDATE payments SET status = 'succeeded', failure_code = NULL, failure_message = NULL, settled_at = ?, updated_at = now() WHERE id = ?")
                                .params(Timestamp.from(clock.instant()), paymentId).update();
                        Payment succeeded = get(paymentId);
                        if (succeeded.purpose() == PaymentPurpose.CREDIT_PURCHASE && succeeded.credits() > 0) {
                            ledger.grantPurchase(succeeded.walletId(), succeeded.credits(), succeeded.id());
                        }
                        events.publishEvent(new PaymentEvents.Succeeded(succeeded));
                    }
                    case FAILED, CANCELED -> {
                        jdbc.sql("UPDATE payments SET status = ?, failure_code = ?, failure_message = ?, settled_at = ?, updated_at = now() WHERE id = ?")
                                .params(state.outcome() == PaymentProvider.Outcome.FAILED ? "failed" : "canceled", state.failureCode(),
                                        truncate(state.failureMessage()), Timestamp.from(clock.instant()), paymentId).update();
                        events.publishEvent(new PaymentEvents.Failed(get(paymentId)));
                    }
                }
            }
            if (state.refundedMinor() != null) applyRefund(paymentId, state.refundedMinor());
            return get(paymentId);
        });
    }

    /** The provider says this much of the payment is refunded in total; takes back credits in proportion. */
    public Payment recordRefund(String paymentId, long refundedTotalMinor) {
        return transactions.execute(tx -> {
            lock(paymentId);
            applyRefund(paymentId, refundedTotalMinor);
            return get(paymentId);
        });
    }

    private void applyRefund(String paymentId, long refundedTotalMinor) {
        Payment p = get(paymentId);
        if (p.status() != PaymentStatus.SUCCEEDED && p.status() != PaymentStatus.PARTIALLY_REFUNDED && p.status() != PaymentStatus.REFUNDED) return;
        long total = Math.min(refundedTotalMinor, p.amountMinor());
        if (total <= p.refundedMinor()) return; // already seen (events may come twice or out of order)
        long creditsDue = total == p.amountMinor() ? p.credits() : Math.floorDiv(p.credits() * total, p.amountMinor());
        long creditsNow = Math.max(0, creditsDue - p.creditsRefunded());
        if (p.purpose() == PaymentPurpose.CREDIT_PURCHASE && creditsNow > 0) ledger.refund(p.walletId(), creditsNow, p.id());
        jdbc.sql("UPDATE payments SET refunded_minor = ?, credits_refunded = credits_refunded + ?, status = ?, updated_at = now() WHERE id = ?")
                .params(total, creditsNow, total == p.amountMinor() ? "refunded" : "partially_refunded", paymentId).update();
        events.publishEvent(new PaymentEvents.Refunded(get(paymentId), total - p.refundedMinor()));
    }

    /** Asks the provider about a pending payment and settles it if it has an answer. */
    public Payment refresh(String paymentId) {
        Payment p = get(paymentId);
        if (!p.pending() || p.providerReference() == null) return p;
        PaymentProvider provider = provider(p.provider());
        try {
            return settle(paymentId, calls.call(p.provider(), true, () -> provider.query(p)));
        } catch (ProviderException e) {
            log.info("Status of payment {} unknown for now: {}", paymentId, e.getMessage());
            return p;
        }
    }

    /** Operator-initiated refund at the provider; credits are taken back when the provider confirms. */
    public Payment refund(String paymentId, long amountMinor) {
        Payment p = get(paymentId);
        if (p.status() != PaymentStatus.SUCCEEDED && p.status() != PaymentStatus.PARTIALLY_REFUNDED) {
            throw ApiException.conflict("PAYMENT_NOT_REFUNDABLE", "Only a succeeded payment can be refunded; this one is " + lower(p.status()));
        }
        if (amountMinor <= 0 || amountMinor > p.amountMinor() - p.refundedMinor()) {
            throw ApiException.invalidField("amount_minor", "must be between 1 and the " + (p.amountMinor() - p.refundedMinor()) + " not yet refunded");
        }
        PaymentProvider provider = provider(p.provider());
        PaymentProvider.State state;
        try {
            state = calls.call(p.provider(), false, () -> provider.refund(p, amountMinor));
        } catch (ProviderException e) {
            throw new ApiException(e.retryable() ? HttpStatus.BAD_GATEWAY : HttpStatus.CONFLICT, e.code(), e.getMessage());
        }
        return state.refundedMinor() == null ? get(paymentId) : recordRefund(paymentId, state.refundedMinor());
    }

    /** Stores a provider event once. False when it was seen before (a replay): the caller then does nothing. */
    public boolean recordEvent(ProviderName provider, String eventId, String type, String payload) {
        return jdbc.sql("INSERT INTO payment_events (provider, event_id, type, payload) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(lower(provider), eventId, type, payload).update() == 1;
    }

    public void eventProcessed(ProviderName provider, String eventId, String outcome) {
        jdbc.sql("UPDATE payment_events SET processed_at = now(), outcome = ? WHERE provider = ? AND event_id = ?")
                .params(truncate(outcome), lower(provider), eventId).update();
    }

    /** Keeps provider facts (customer ids, receipt numbers) with the payment. */
    public void remember(String paymentId, Map<String, Object> facts) {
        jdbc.sql("UPDATE payments SET provider_data = provider_data || ?::jsonb, updated_at = now() WHERE id = ?")
                .params(json.write(facts), paymentId).update();
    }

    public Optional<Payment> find(String id) {
        if (!Ids.looksLike("pay", id)) return Optional.empty();
        return jdbc.sql("SELECT * FROM payments WHERE id = ?").param(id).query(this::map).optional();
    }

    public Payment get(String id) {
        return find(id).orElseThrow(() -> ApiException.notFound("payment", id));
    }

    public Optional<Payment> byReference(ProviderName provider, String reference) {
        return jdbc.sql("SELECT * FROM payments WHERE provider = ? AND provider_reference = ?").params(lower(provider), reference)
                .query(this::map).optional();
    }

    public record Filter(String payerId, String organizationId, String appId, PaymentStatus status, ProviderName provider) {}

    public PageResult<Payment> list(PageQuery page, Filter f) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (f.payerId() != null) { where.append(" AND payer_id = ?"); params.add(f.payerId()); }
        if (f.organizationId() != null) { where.append(" AND organization_id = ?"); params.add(f.organizationId()); }
        if (f.appId() != null) { where.append(" AND app_id = ?"); params.add(f.appId()); }
        if (f.status() != null) { where.append(" AND status = ?"); params.add(lower(f.status())); }
        if (f.provider() != null) { where.append(" AND provider = ?"); params.add(lower(f.provider())); }
        long total = jdbc.sql("SELECT count(*) FROM payments" + where).params(params).query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(page.perPage());
        pageParams.add(page.offset());
        List<Payment> items = jdbc.sql("SELECT * FROM payments" + where + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
                .params(pageParams).query(this::map).list();
        return page.result(items, total);
    }

    List<Payment> pendingOlderThan(java.time.Instant before, int limit) {
        return jdbc.sql("SELECT * FROM payments WHERE status = 'pending' AND created_at < ? ORDER BY created_at LIMIT ?")
                .params(Timestamp.from(before), limit).query(this::map).list();
    }

    private Payment lock(String id) {
        return jdbc.sql("SELECT * FROM payments WHERE id = ? FOR UPDATE").param(id).query(this::map).optional()
                .orElseThrow(() -> ApiException.notFound("payment", id));
    }

    private static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase();
    }

    private static String truncate(String text) {
        return text == null ? null : text.length() <= 500 ? text : text.substring(0, 500);
    }

    private Payment map(ResultSet rs, int row) throws SQLException {
        Timestamp settled = rs.getTimestamp("settled_at");
        return new Payment(rs.getString("id"), rs.getString("payer_type"), rs.getString("payer_id"), rs.getString("app_id"),
                rs.getString("organization_id"), rs.getString("wallet_id"), PaymentPurpose.valueOf(rs.getString("purpose").toUpperCase()),
                rs.getString("purpose_ref"), ProviderName.valueOf(rs.getString("provider").toUpperCase()),
                PaymentStatus.valueOf(rs.getString("status").toUpperCase()), rs.getLong("amount_minor"), rs.getString("currency"),
                rs.getLong("credits"), rs.getString("provider_reference"), json.readMap(rs.getString("provider_data")),
                rs.getString("phone_number"), rs.getString("failure_code"), rs.getString("failure_message"), rs.getLong("refunded_minor"),
                rs.getLong("credits_refunded"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                settled == null ? null : settled.toInstant());
    }
}
