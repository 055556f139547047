package io.tollgate.mail;

import java.util.List;

/**
 * The mails Tollgate sends to end users. Each is a pair of Thymeleaf templates under
 * {@code resources/mail/} ({@code <name>.html} and {@code <name>.txt}) whose words come from
 * {@code mail/messages*.properties}, so a locale is a translation file. Every template also gets
 * {@code app_name}: the app's sender name. Operators may replace them per app with files under
 * TOLLGATE_MAIL_TEMPLATES_DIR (see {@code TemplateOverrides}); never through the API.
 */
public enum MailTemplate {
    EMAIL_VERIFICATION("email-verification", List.of("link", "expires_minutes")),
    PASSWORD_RESET("password-reset", List.of("link", "expires_minutes")),
    WELCOME("welcome", List.of()),
    SUBSCRIPTION_CONFIRMATION("subscription-confirmation", List.of("plan_name", "price", "period_end")),
    PAYMENT_RECEIPT("payment-receipt", List.of("amount", "purpose", "payment_id", "paid_at")),
    CREDITS_LOW("credits-low", List.of("balance"));

    private final String fileName;
    private final List<String> required;

    MailTemplate(String fileName, List<String> required) {
        this.fileName = fileName;
        this.required = required;
    }

    /** The templates' base name, also the outbox's template column. */
    public String fileName() {
        return fileName;
    }

    /** Model keys the templates cannot do without; enqueueing without one is a programming error. */
    public List<String> required() {
        return required;
    }

    public static MailTemplate of(String fileName) {
        for (MailTemplate t : values()) if (t.fileName.equals(fileName)) return t;
        throw new IllegalArgumentException("no mail template " + fileName);
    }
}
