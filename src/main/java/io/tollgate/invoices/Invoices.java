package io.tollgate.invoices;

import io.tollgate.audit.AuditTrail;
import io.tollgate.metering.UsageReports;
import io.tollgate.organizations.Organizations;
import io.tollgate.payments.PaymentEvents;
import io.tollgate.payments.PaymentPurpose;
import io.tollgate.payments.PaymentRefunds;
import io.tollgate.payments.PaymentReports;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Invoices: drafted from a month's payments and per-request charges, finalized with a number
 * (INV-yyyy-nnnnnn) once the month is over, then open until paid (or paid at once when nothing is due).
 */
@Service
public class Invoices {
    static final Duration PAYMENT_TERMS = Duration.ofDays(14);
    private final JdbcClient jdbc;
    private final InvoiceLines lines;
    private final Organizations organizations;
    private final PaymentReports payments;
    private final UsageReports usage;
    private final AuditTrail audit;
    private final PaymentRefunds refunds;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    Invoices(JdbcClient jdbc, InvoiceLines lines, Organizations organizations, PaymentReports payments, UsageReports usage,
             AuditTrail audit, PaymentRefunds refunds, Clock clock, ApplicationEventPublisher events) {
        this.events = events;
        this.refunds = refunds;
        this.usage = usage;
        this.jdbc = jdbc;
        this.lines = lines;
        this.organizations = organizations;
        this.payments = payments;
        this.audit = audit;
        this.clock = clock;
    }

    /** (Re)drafts the organization's invoices for the month; finalized invoices are left as they are. */
    @Transactional
    public List<Invoice> draft(String organizationId, YearMonth month) {
        organizations.get(organizationId);
        List<Invoice> drafted = new ArrayList<>();
        for (var entry : lines.forMonth(organizationId, month).entrySet()) {
            String currency = entry.getKey();
            List<Invoice.Line> items = entry.getValue();
            long subtotal = items.stream().mapToLong(Invoice.Line::amountMinor).sum();
            long prepaid = items.stream().filter(Invoice.Line::prepaid).mapToLong(Invoice.Line::amountMinor).sum();
            long due = Math.max(0, subtotal - prepaid);
            Optional<Invoice> existing = find(organizationId, month, currency);
            if (existing.isPresent() && existing.get().status() != Invoice.InvoiceStatus.DRAFT) continue;
            String id = existing.map(Invoice::id).orElseGet(() -> Ids.next("inv"));
            jdbc.sql("""
                    INSERT INTO invoices (id, organization_id, period_start, period_end, currency, status, subtotal_minor, prepaid_minor, amount_due_minor)
                    VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?)
                    ON CONFLICT (organization_id, period_start, currency) DO UPDATE SET subtotal_minor = excluded.subtotal_minor,
                      prepaid_minor = excluded.prepaid_minor, amount_due_minor = excluded.amount_due_minor, updated_at = now()
                    WHERE invoices.status = 'draft'""")
                    .params(id, organizationId, Date.valueOf(month.atDay(1)), Date.valueOf(month.atEndOfMonth()), currency, subtotal, prepaid, due)
                    .update();
            jdbc.sql("DELETE FROM invoice_lines WHERE invoice_id = ?").param(id).update();
            for (Invoice.Line l : items) {
                jdbc.sql("""
                        INSERT INTO invoice_lines (invoice_id, line_no, kind, description, quantity, unit_amount_minor, amount_minor, prepaid, reference)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                        .params(id, l.lineNo(), l.kind(), l.description(), l.quantity(), l.unitAmountMinor(), l.amountMinor(), l.prepaid(),
                                l.reference()).update();
            }
            drafted.add(get(id));
        }
        return drafted;
    }

    /** Numbers and issues a draft: open with a due date, or paid at once when nothing is owed. */
    @Transactional
    public Invoice finalizeDraft(String invoiceId) {
        Invoice draft = get(invoiceId);
        if (draft.status() != Invoice.InvoiceStatus.DRAFT) throw ApiException.conflict("INVOICE_NOT_DRAFT", "The invoice is already " + lower(draft.status()));
        if (!YearMonth.from(draft.periodEnd()).isBefore(YearMonth.from(clock.instant().atZone(ZoneOffset.UTC)))) {
            throw ApiException.conflict("PERIOD_NOT_OVER", "An invoice is finalized after its month ends");
        }
        Instant now = clock.instant();
        long sequence = jdbc.sql("SELECT nextval('invoice_numbers')").query(Long.class).single();
        String number = String.format("INV-%d-%06d", draft.periodStart().getYear(), sequence);
        boolean settled = draft.amountDueMinor() == 0;
        jdbc.sql("UPDATE invoices SET number = ?, status = ?, issued_at = ?, due_at = ?, paid_at = ?, updated_at = now() WHERE id = ? AND status = 'draft'")
                .params(number, settled ? "paid" : "open", Timestamp.from(now), Timestamp.from(now.plus(PAYMENT_TERMS)),
                        settled ? Timestamp.from(now) : null, invoiceId).update();
        Invoice issued = get(invoiceId);
        audit.record("invoice.finalized", "invoice", invoiceId, draft, issued);
        events.publishEvent(new InvoiceEvents.Finalized(issued));
        if (settled) events.publishEvent(new InvoiceEvents.Paid(issued));
        return issued;
    }

    /** Drafts and finalizes the month for every organization with anything to invoice. Safe to run again. */
    public List<Invoice> closeMonth(YearMonth month) {
        Set<String> organizationsWithActivity = new TreeSet<>(payments.organizationsPaidBetween(
                month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(), month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
        organizationsWithActivity.addAll(usage.organizationsCharged(month.atDay(1), month.atEndOfMonth()));
        List<Invoice> closed = new ArrayList<>();
        for (String organizationId : organizationsWithActivity) {
            for (Invoice draft : draft(organizationId, month)) closed.add(finalizeDraft(draft.id()));
        }
        return closed;
    }

    @Transactional
    public Invoice voidInvoice(String invoiceId) {
        Invoice before = get(invoiceId);
        if (before.status() == Invoice.InvoiceStatus.PAID || before.status() == Invoice.InvoiceStatus.VOID) {
            throw ApiException.conflict("INVOICE_CLOSED", "A " + lower(before.status()) + " invoice cannot be voided");
        }
        jdbc.sql("UPDATE invoices SET status = 'void', voided_at = ?, updated_at = now() WHERE id = ?").params(Timestamp.from(clock.instant()), invoiceId).update();
        Invoice after = get(invoiceId);
        audit.record("invoice.voided", "invoice", invoiceId, before, after);
        return after;
    }

    /**
     * A payment made for an open invoice settles it, in the payment's own transaction. One that comes
     * for an invoice paid by another payment, or voided meanwhile, bought nothing: it is refunded.
     */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void onPaymentSucceeded(PaymentEvents.Succeeded event) {
        if (event.payment().purpose() != PaymentPurpose.INVOICE || event.payment().purposeRef() == null) return;
        String invoiceId = event.payment().purposeRef();
        int paid = jdbc.sql("UPDATE invoices SET status = 'paid', paid_at = ?, payment_id = ?, updated_at = now() WHERE id = ? AND status = 'open'")
                .params(Timestamp.from(clock.instant()), event.payment().id(), invoiceId).update();
        if (paid == 1) events.publishEvent(new InvoiceEvents.Paid(get(invoiceId)));
        if (paid == 0 && !event.payment().id().equals(jdbc.sql("SELECT payment_id FROM invoices WHERE id = ?").param(invoiceId)
                .query(String.class).optional().orElse(null))) {
            refunds.refundLater(event.payment().id(), "invoice " + invoiceId + " was paid or voided already");
        }
    }

    /** Locks an open invoice for the transaction that starts its payment: one payment at a time. 409 unless open. */
    void lockOpen(String invoiceId) {
        String status = jdbc.sql("SELECT status FROM invoices WHERE id = ? FOR UPDATE").param(invoiceId).query(String.class).optional()
                .orElseThrow(() -> ApiException.notFound("invoice", invoiceId));
        if (!"open".equals(status)) throw ApiException.conflict("INVOICE_NOT_OPEN", "The invoice is " + status);
    }

    public Invoice get(String id) {
        if (!Ids.looksLike("inv", id)) throw ApiException.notFound("invoice", id);
        Invoice header = jdbc.sql("SELECT * FROM invoices WHERE id = ?").param(id).query((rs, i) -> map(rs, List.of())).optional()
                .orElseThrow(() -> ApiException.notFound("invoice", id));
        List<Invoice.Line> items = jdbc.sql("SELECT * FROM invoice_lines WHERE invoice_id = ? ORDER BY line_no").param(id)
                .query((rs, i) -> new Invoice.Line(rs.getInt("line_no"), rs.getString("kind"), rs.getString("description"), rs.getLong("quantity"),
                        rs.getLong("unit_amount_minor"), rs.getLong("amount_minor"), rs.getBoolean("prepaid"), rs.getString("reference")))
                .list();
        return new Invoice(header.id(), header.organizationId(), header.number(), header.periodStart(), header.periodEnd(), header.currency(),
                header.status(), header.subtotalMinor(), header.prepaidMinor(), header.amountDueMinor(), header.issuedAt(), header.dueAt(),
                header.paidAt(), header.voidedAt(), header.paymentId(), items);
    }

    private Optional<Invoice> find(String organizationId, YearMonth month, String currency) {
        return jdbc.sql("SELECT * FROM invoices WHERE organization_id = ? AND period_start = ? AND currency = ?")
                .params(organizationId, Date.valueOf(month.atDay(1)), currency).query((rs, i) -> map(rs, List.of())).optional();
    }

    public PageResult<Invoice> list(PageQuery page, String organizationId, Invoice.InvoiceStatus status) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (organizationId != null) { where.append(" AND organization_id = ?"); params.add(organizationId); }
        if (status != null) { where.append(" AND status = ?"); params.add(lower(status)); }
        long total = jdbc.sql("SELECT count(*) FROM invoices" + where).params(params).query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(page.perPage());
        pageParams.add(page.offset());
        List<Invoice> items = jdbc.sql("SELECT * FROM invoices" + where + " ORDER BY period_start DESC, currency, id LIMIT ? OFFSET ?")
                .params(pageParams).query((rs, i) -> map(rs, List.of())).list();
        return page.result(items, total);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static Invoice map(ResultSet rs, List<Invoice.Line> lines) throws SQLException {
        return new Invoice(rs.getString("id"), rs.getString("organization_id"), rs.getString("number"),
                rs.getDate("period_start").toLocalDate(), rs.getDate("period_end").toLocalDate(), rs.getString("currency"),
                Invoice.InvoiceStatus.valueOf(rs.getString("status").toUpperCase()), rs.getLong("subtotal_minor"), rs.getLong("prepaid_minor"),
                rs.getLong("amount_due_minor"), instant(rs.getTimestamp("issued_at")), instant(rs.getTimestamp("due_at")),
                instant(rs.getTimestamp("paid_at")), instant(rs.getTimestamp("voided_at")), rs.getString("payment_id"), lines);
    }

}
