package io.tollgate.payments;

import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.ApiException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What one credit costs in each currency (THB, KES, USD, AED out of the box). */
@Service
public class CreditPrices {
    private final JdbcClient jdbc;
    private final AuditTrail audit;

    CreditPrices(JdbcClient jdbc, AuditTrail audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    public record CreditPrice(String currency, long pricePerCreditMinor, long minCredits, long maxCredits, Instant updatedAt) {}

    public List<CreditPrice> list() {
        return jdbc.sql("SELECT * FROM credit_prices ORDER BY currency").query(this::map).list();
    }

    public Optional<CreditPrice> find(String currency) {
        return jdbc.sql("SELECT * FROM credit_prices WHERE currency = ?").param(currency).query(this::map).optional();
    }

    /** The price of {@code credits} in {@code currency}, or 400 naming what is accepted. */
    public long priceOf(long credits, String currency) {
        CreditPrice price = find(currency).orElseThrow(() -> ApiException.invalidField("currency",
                "must be one of " + String.join(", ", list().stream().map(CreditPrice::currency).toList())));
        if (credits < price.minCredits() || credits > price.maxCredits()) {
            throw ApiException.invalidField("amount", "must be between " + price.minCredits() + " and " + price.maxCredits() + " credits in " + currency);
        }
        return Math.multiplyExact(credits, price.pricePerCreditMinor());
    }

    /** minCredits, maxCredits: null keeps the current value (a new currency: 1 and 1,000,000). */
    @Transactional
    public CreditPrice put(String currency, long pricePerCreditMinor, Long minCreditsOrNull, Long maxCreditsOrNull) {
        CreditPrice before = jdbc.sql("SELECT * FROM credit_prices WHERE currency = ? FOR UPDATE").param(currency).query(this::map).optional().orElse(null);
        long minCredits = minCreditsOrNull != null ? minCreditsOrNull : before != null ? before.minCredits() : 1;
        long maxCredits = maxCreditsOrNull != null ? maxCreditsOrNull : before != null ? before.maxCredits() : 1_000_000;
        if (maxCredits < minCredits) throw ApiException.invalidField("max_credits", "must be at least min_credits (" + minCredits + ")");
        jdbc.sql("""
                INSERT INTO credit_prices (currency, price_per_credit_minor, min_credits, max_credits) VALUES (?, ?, ?, ?)
                ON CONFLICT (currency) DO UPDATE SET price_per_credit_minor = excluded.price_per_credit_minor,
                  min_credits = excluded.min_credits, max_credits = excluded.max_credits, updated_at = now()""")
                .params(currency, pricePerCreditMinor, minCredits, maxCredits).update();
        CreditPrice after = find(currency).orElseThrow();
        audit.record("credit_price.updated", "credit_price", currency, before, after);
        return after;
    }

    private CreditPrice map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new CreditPrice(rs.getString("currency"), rs.getLong("price_per_credit_minor"), rs.getLong("min_credits"),
                rs.getLong("max_credits"), rs.getTimestamp("updated_at").toInstant());
    }
}
