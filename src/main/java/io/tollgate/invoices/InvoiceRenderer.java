package io.tollgate.invoices;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import io.tollgate.organizations.Organization;
import io.tollgate.organizations.Organizations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.List;
import org.springframework.stereotype.Component;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;

/** One template, two outputs: the HTML view, and the PDF drawn from that same HTML. */
/** Public so the console can show the same documents to a signed-in operator. */
@Component
public class InvoiceRenderer {
    private final TemplateEngine templates;
    private final Organizations organizations;

    InvoiceRenderer(TemplateEngine templates, Organizations organizations) {
        this.templates = templates;
        this.organizations = organizations;
    }

    record LineView(int lineNo, String description, long quantity, String unitAmount, String amount, boolean prepaid) {}

    public String html(Invoice invoice) {
        Organization organization = organizations.find(invoice.organizationId()).orElse(null);
        Context context = new Context();
        context.setVariable("invoice", invoice);
        context.setVariable("organizationName", organization == null ? invoice.organizationId() : organization.name());
        context.setVariable("billingEmail", organization == null ? null : organization.billingEmail());
        context.setVariable("lines", invoice.lines().stream().map(l -> new LineView(l.lineNo(), l.description(), l.quantity(),
                money(l.unitAmountMinor(), invoice.currency()), money(l.amountMinor(), invoice.currency()), l.prepaid())).toList());
        context.setVariable("subtotal", money(invoice.subtotalMinor(), invoice.currency()));
        context.setVariable("prepaid", money(invoice.prepaidMinor(), invoice.currency()));
        context.setVariable("due", money(invoice.amountDueMinor(), invoice.currency()));
        return templates.process("invoices/invoice", context);
    }

    public byte[] pdf(Invoice invoice) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PdfRendererBuilder builder = new PdfRendererBuilder();
            builder.useFastMode();
            builder.withHtmlContent(html(invoice), null);
            builder.toStream(out);
            builder.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Minor units in the currency's own decimals: 123456 KES → "1,234.56 KES". */
    static String money(long minor, String currency) {
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException unknown) {
            digits = 2;
        }
        return String.format("%,." + digits + "f %s", BigDecimal.valueOf(minor, digits), currency);
    }

}
