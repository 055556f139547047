package io.tollgate.payments;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Read-only figures about payments, for invoices and revenue reports. Money received counts on the
 * day it was settled; a refund counts on its own day (payment_refunds), not its payment's.
 */
@Service
public class PaymentReports {
    private static final String PAID = "p.status IN ('succeeded', 'partially_refunded', 'refunded')";
    private final JdbcClient jdbc;
    private final Payments payments;

    PaymentReports(JdbcClient jdbc, Payments payments) {
        this.jdbc = jdbc;
        this.payments = payments;
    }

    /**
     * What an organization itself paid, settled in [from, to) — its own purchases and subscription fees
     * (Stripe's included), refunded since or not. Its end users' payments are theirs, not the organization's.
     */
    public List<Payment> paidBetween(String organizationId, Instant from, Instant to) {
        List<String> ids = jdbc.sql("SELECT id FROM payments p WHERE organization_id = ? AND payer_type = 'organization' AND settled_at >= ? "
                        + "AND settled_at < ? AND " + PAID + " ORDER BY settled_at, id")
                .params(organizationId, Timestamp.from(from), Timestamp.from(to)).query(String.class).list();
        return ids.stream().map(payments::get).toList();
    }

    /** A refund as it happened: amountMinor is what that refund gave back. */
    public record Refund(Payment payment, long amountMinor, Instant refundedAt) {}

    /** Refunds made in [from, to) of what the organization itself paid, whenever it was paid. */
    public List<Refund> refundsBetween(String organizationId, Instant from, Instant to) {
        List<Object[]> rows = jdbc.sql("""
                SELECT r.payment_id, r.amount_minor, r.refunded_at FROM payment_refunds r JOIN payments p ON p.id = r.payment_id
                WHERE p.organization_id = ? AND p.payer_type = 'organization' AND r.refunded_at >= ? AND r.refunded_at < ?
                ORDER BY r.refunded_at, r.id""").params(organizationId, Timestamp.from(from), Timestamp.from(to))
                .query((rs, i) -> new Object[] {rs.getString(1), rs.getLong(2), rs.getTimestamp(3).toInstant()}).list();
        List<Refund> refunds = new ArrayList<>();
        for (Object[] row : rows) refunds.add(new Refund(payments.get((String) row[0]), (Long) row[1], (Instant) row[2]));
        return refunds;
    }

    /** Organizations that paid, or were refunded, anything in [from, to). */
    public List<String> organizationsPaidBetween(Instant from, Instant to) {
        return jdbc.sql("SELECT organization_id FROM payments p WHERE payer_type = 'organization' AND settled_at >= ? AND settled_at < ? AND " + PAID
                        + " UNION SELECT p.organization_id FROM payment_refunds r JOIN payments p ON p.id = r.payment_id"
                        + " WHERE p.payer_type = 'organization' AND r.refunded_at >= ? AND r.refunded_at < ?")
                .params(Timestamp.from(from), Timestamp.from(to), Timestamp.from(from), Timestamp.from(to)).query(String.class).list();
    }

    public record Money(String key, String currency, long paidMinor, long refundedMinor, long count) {
        public long netMinor() { return paidMinor - refundedMinor; }
    }

    /**
     * Money received in [from, to] (UTC dates) grouped by day, provider, purpose or app_id; optionally for
     * one app. Payments count when settled, refunds when made; count is the number of payments.
     */
    public List<Money> received(LocalDate from, LocalDate to, String group, String appId) {
        String paidKey = key(group, "p.settled_at");
        String refundKey = key(group, "r.refunded_at");
        Timestamp start = utcStart(from);
        Timestamp end = utcStart(to.plusDays(1));
        String app = appId == null ? "" : " AND p.app_id = ?";
        List<Object> params = new ArrayList<>(List.of(start, end));
        if (appId != null) params.add(appId);
        params.addAll(List.of(start, end));
        if (appId != null) params.add(appId);
        return jdbc.sql("SELECT k, currency, sum(paid), sum(refunded), sum(n) FROM ("
                        + "SELECT " + paidKey + " AS k, p.currency, p.amount_minor AS paid, 0 AS refunded, 1 AS n FROM payments p"
                        + " WHERE " + PAID + " AND p.settled_at >= ? AND p.settled_at < ?" + app
                        + " UNION ALL SELECT " + refundKey + ", p.currency, 0, r.amount_minor, 0 FROM payment_refunds r"
                        + " JOIN payments p ON p.id = r.payment_id WHERE r.refunded_at >= ? AND r.refunded_at < ?" + app
                        + ") x GROUP BY 1, 2 ORDER BY 1, 2")
                .params(params)
                .query((rs, i) -> new Money(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5))).list();
    }

    private static String key(String group, String time) {
        return switch (group) {
            case "day" -> "to_char(" + time + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
            case "provider", "purpose", "app_id" -> "p." + group;
            default -> throw new IllegalArgumentException(group);
        };
    }

    private static Timestamp utcStart(LocalDate day) {
        return Timestamp.from(day.atStartOfDay(ZoneOffset.UTC).toInstant());
    }
}
