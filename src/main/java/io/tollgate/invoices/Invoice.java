package io.tollgate.invoices;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One organization's invoice for a month in one currency. subtotal = all lines; prepaid = lines
 * already paid through payments (subscriptions, purchases, less refunds); amount_due = the rest
 * (per-request charges), owed until the invoice is paid.
 */
@Schema(name = "Invoice")
public record Invoice(@Schema(example = "inv_01jf3k9w6h2xv8n4q5r7s9t1u3") String id, String organizationId,
                      @Schema(example = "INV-2026-000042") String number, LocalDate periodStart, LocalDate periodEnd,
                      String currency, InvoiceStatus status, long subtotalMinor, long prepaidMinor, long amountDueMinor,
                      Instant issuedAt, Instant dueAt, Instant paidAt, Instant voidedAt, String paymentId, List<Line> lines) {

    public record Line(int lineNo, String kind, String description, long quantity, long unitAmountMinor, long amountMinor,
                       boolean prepaid, String reference) {}

    public enum InvoiceStatus { DRAFT, OPEN, PAID, VOID }
}
