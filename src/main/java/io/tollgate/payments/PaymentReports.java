package io.tollgate.payments;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Read-only figures about payments, for invoices and revenue reports. */
@Service
public class PaymentReports {
    private final JdbcClient jdbc;
    private final Payments payments;

    PaymentReports(JdbcClient jdbc, Payments payments) {
        this.jdbc = jdbc;
        this.payments = payments;
    }

    /** Payments of an organization settled as paid in [from, to), including those refunded since. */
    public List<Payment> paidBetween(String organizationId, Instant from, Instant to) {
        List<String> ids = jdbc.sql("""
                SELECT id FROM payments WHERE organization_id = ? AND settled_at >= ? AND settled_at < ?
                AND status IN ('succeeded', 'partially_refunded', 'refunded') ORDER BY settled_at, id""")
                .params(organizationId, Timestamp.from(from), Timestamp.from(to)).query(String.class).list();
        return ids.stream().map(payments::get).toList();
    }

    /** Organizations with any paid payment in [from, to). */
    public List<String> organizationsPaidBetween(Instant from, Instant to) {
        return jdbc.sql("""
                SELECT DISTINCT organization_id FROM payments WHERE settled_at >= ? AND settled_at < ?
                AND status IN ('succeeded', 'partially_refunded', 'refunded')""")
                .params(Timestamp.from(from), Timestamp.from(to)).query(String.class).list();
    }

    public record Money(String key, String currency, long paidMinor, long refundedMinor, long count) {
        public long netMinor() { return paidMinor - refundedMinor; }
    }

    /** Money received in [from, to] (UTC dates) grouped by day, provider, purpose or app_id; optionally for one app. */
    public List<Money> received(LocalDate from, LocalDate to, String group, String appId) {
        String key = switch (group) {
            case "day" -> "to_char(settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
            case "provider", "purpose", "app_id" -> group;
            default -> throw new IllegalArgumentException(group);
        };
        Timestamp start = utcStart(from);
        Timestamp end = utcStart(to.plusDays(1));
        return jdbc.sql("SELECT " + key + " AS k, currency, sum(amount_minor), sum(refunded_minor), count(*) FROM payments "
                        + "WHERE status IN ('succeeded', 'partially_refunded', 'refunded') AND settled_at >= ? AND settled_at < ?"
                        + (appId == null ? "" : " AND app_id = ?") + " GROUP BY 1, 2 ORDER BY 1, 2")
                .params(appId == null ? new Object[] {start, end} : new Object[] {start, end, appId})
                .query((rs, i) -> new Money(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5))).list();
    }

    private static Timestamp utcStart(LocalDate day) {
        return Timestamp.from(day.atStartOfDay(ZoneOffset.UTC).toInstant());
    }
}
