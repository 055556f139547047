package io.tollgate.invoices;

/** Published inside the transaction that issues or settles an invoice, so listeners commit with it. */
public final class InvoiceEvents {
    private InvoiceEvents() {}

    /** Numbered and issued: open with a due date, or paid at once when nothing was due (then {@link Paid} follows). */
    public record Finalized(Invoice invoice) {}

    public record Paid(Invoice invoice) {}
}
