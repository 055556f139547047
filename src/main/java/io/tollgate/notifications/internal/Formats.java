package io.tollgate.notifications.internal;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Currency;
import java.util.Locale;

/** Money and dates as a reader of the user's language writes them. Pure functions. */
final class Formats {
    private Formats() {}

    static Locale locale(String tag) {
        return tag == null || tag.isBlank() ? Locale.ENGLISH : Locale.forLanguageTag(tag);
    }

    /** 250000 KES in fr → "2 500,00 KES"; an unknown currency code is shown as amount and code. */
    static String money(long amountMinor, String currency, String localeTag) {
        Locale locale = locale(localeTag);
        try {
            Currency c = Currency.getInstance(currency);
            NumberFormat format = NumberFormat.getCurrencyInstance(locale);
            format.setCurrency(c);
            int digits = Math.max(0, c.getDefaultFractionDigits());
            format.setMinimumFractionDigits(digits);
            format.setMaximumFractionDigits(digits);
            return format.format(BigDecimal.valueOf(amountMinor, digits));
        } catch (IllegalArgumentException | NullPointerException e) {
            return BigDecimal.valueOf(amountMinor, 2).toPlainString() + " " + currency;
        }
    }

    static String date(Instant instant, String localeTag) {
        return DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale(localeTag)).withZone(ZoneOffset.UTC).format(instant);
    }
}
