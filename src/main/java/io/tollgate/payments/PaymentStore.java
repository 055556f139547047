package io.tollgate.payments;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The payments table: reads, the row lock every settlement takes, and the small updates around it. */
@Component
class PaymentStore {
    private final JdbcClient jdbc;
    private final Json json;

    PaymentStore(JdbcClient jdbc, Json json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(String id, Payments.Request r, String status, String phoneNumber, String reference, Map<String, Object> facts, Instant at) {
        jdbc.sql("""
                INSERT INTO payments (id, payer_type, payer_id, app_id, organization_id, wallet_id, purpose, purpose_ref, provider,
                  status, amount_minor, currency, credits, phone_number, provider_reference, provider_data, created_at, updated_at, settled_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)""")
                .params(id, r.payerType(), r.payerId(), r.appId(), r.organizationId(), r.walletId(), lower(r.purpose()), r.purposeRef(),
                        lower(r.provider()), status, r.amountMinor(), r.currency(), r.credits(), phoneNumber, reference, json.write(facts),
                        Timestamp.from(at), Timestamp.from(at), "pending".equals(status) ? null : Timestamp.from(at))
                .update();
    }

    Optional<Payment> find(String id) {
        if (!Ids.looksLike("pay", id)) return Optional.empty();
        return jdbc.sql("SELECT * FROM payments WHERE id = ?").param(id).query(this::map).optional();
    }

    Payment get(String id) {
        return find(id).orElseThrow(() -> ApiException.notFound("payment", id));
    }

    Payment lock(String id) {
        return jdbc.sql("SELECT * FROM payments WHERE id = ? FOR UPDATE").param(id).query(this::map).optional()
                .orElseThrow(() -> ApiException.notFound("payment", id));
    }

    Optional<Payment> byReference(ProviderName provider, String reference) {
        return jdbc.sql("SELECT * FROM payments WHERE provider = ? AND provider_reference = ?").params(lower(provider), reference)
                .query(this::map).optional();
    }

    /**
     * The recorded Stripe invoice payment a PaymentIntent paid (provider_data.stripe_payment_intent). The key
     * is written out, and the index's ? predicate repeated (?? to JDBC), so the partial index payments_stripe_intent serves it.
     */
    Optional<Payment> byStripePaymentIntent(String intentId) {
        return jdbc.sql("""
                SELECT * FROM payments WHERE provider = 'stripe' AND provider_data ?? 'stripe_payment_intent'
                  AND provider_data ->> 'stripe_payment_intent' = ? ORDER BY created_at LIMIT 1""")
                .param(intentId).query(this::map).optional();
    }

    /** Sets the provider's id once; false when the payment has one already (or another payment has this one). */
    boolean setReference(String id, String reference) {
        return jdbc.sql("""
                UPDATE payments SET provider_reference = ?, updated_at = now() WHERE id = ? AND provider_reference IS NULL
                AND NOT EXISTS (SELECT 1 FROM payments o WHERE o.provider = payments.provider AND o.provider_reference = ?)""")
                .params(reference, id, reference).update() == 1;
    }

    void remember(String id, Map<String, Object> facts) {
        jdbc.sql("UPDATE payments SET provider_data = provider_data || ?::jsonb, updated_at = now() WHERE id = ?")
                .params(json.write(facts), id).update();
    }

    /** What went wrong so far with a payment that is still pending (a declined card, a provider that did not answer). */
    void lastError(String id, String code, String message) {
        jdbc.sql("UPDATE payments SET failure_code = ?, failure_message = ?, updated_at = now() WHERE id = ?")
                .params(truncate(code, 100), truncate(message, 500), id).update();
    }

    boolean pendingFor(PaymentPurpose purpose, String purposeRef) {
        return jdbc.sql("SELECT exists(SELECT 1 FROM payments WHERE purpose = ? AND purpose_ref = ? AND status = 'pending')")
                .params(lower(purpose), purposeRef).query(Boolean.class).single();
    }

    List<Payment> pendingOlderThan(Instant before, int limit) {
        return jdbc.sql("SELECT * FROM payments WHERE status = 'pending' AND created_at < ? ORDER BY created_at LIMIT ?")
                .params(Timestamp.from(before), limit).query(this::map).list();
    }

    /** Pending payments of a provider with no provider id yet, made in [from, to) for this phone and amount (lost STK push answers). */
    List<Payment> unreferenced(ProviderName provider, String phoneNumber, long amountMinor, Instant from, Instant to) {
        return jdbc.sql("""
                SELECT * FROM payments WHERE provider = ? AND provider_reference IS NULL AND status = 'pending' AND phone_number = ?
                AND amount_minor = ? AND created_at >= ? AND created_at < ? ORDER BY created_at LIMIT 2""")
                .params(lower(provider), phoneNumber, amountMinor, Timestamp.from(from), Timestamp.from(to)).query(this::map).list();
    }

    PageResult<Payment> list(PageQuery page, Payments.Filter f) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (f.payerId() != null) { where.append(" AND payer_id = ?"); params.add(f.payerId()); }
        if (f.organizationId() != null) { where.append(" AND organization_id = ?"); params.add(f.organizationId()); }
        if (f.appId() != null) { where.append(" AND app_id = ?"); params.add(f.appId()); }
        if (f.status() != null) { where.append(" AND status = ?"); params.add(lower(f.status())); }
        if (f.provider() != null) { where.append(" AND provider = ?"); params.add(lower(f.provider())); }
        if (f.refundDue() != null) where.append(f.refundDue() ? " AND refund_due_reason IS NOT NULL" : " AND refund_due_reason IS NULL");
        long total = jdbc.sql("SELECT count(*) FROM payments" + where).params(params).query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(page.perPage());
        pageParams.add(page.offset());
        List<Payment> items = jdbc.sql("SELECT * FROM payments" + where + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
                .params(pageParams).query(this::map).list();
        return page.result(items, total);
    }

    static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase();
    }

    static String truncate(String text, int max) {
        return text == null ? null : text.length() <= max ? text : text.substring(0, max);
    }

    private Payment map(ResultSet rs, int row) throws SQLException {
        Timestamp settled = rs.getTimestamp("settled_at");
        return new Payment(rs.getString("id"), rs.getString("payer_type"), rs.getString("payer_id"), rs.getString("app_id"),
                rs.getString("organization_id"), rs.getString("wallet_id"), PaymentPurpose.valueOf(rs.getString("purpose").toUpperCase()),
                rs.getString("purpose_ref"), ProviderName.valueOf(rs.getString("provider").toUpperCase()),
                PaymentStatus.valueOf(rs.getString("status").toUpperCase()), rs.getLong("amount_minor"), rs.getString("currency"),
                rs.getLong("credits"), rs.getString("provider_reference"), json.readMap(rs.getString("provider_data")),
                rs.getString("phone_number"), rs.getString("failure_code"), rs.getString("failure_message"), rs.getLong("refunded_minor"),
                rs.getLong("credits_refunded"), rs.getString("refund_due_reason"), rs.getString("refund_due_error"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                settled == null ? null : settled.toInstant());
    }
}
