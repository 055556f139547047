package io.tollgate.console;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Currency;
import java.util.Locale;
import org.springframework.stereotype.Component;

/** Formatting helpers for the templates, as ${@fmt.…}: UTC times, money in minor units, plain numbers. */
@Component("fmt")
class Fmt {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").withZone(ZoneOffset.UTC);

    public String time(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    /** For datetime-local inputs (UTC). */
    public String inputTime(Instant instant) {
        return instant == null ? "" : INPUT.format(instant);
    }

    public String num(long value) {
        return NumberFormat.getIntegerInstance(Locale.US).format(value);
    }

    /** 123456 with USD → "1,234.56 USD"; null currency → plain number. */
    public String money(long minor, String currency) {
        if (currency == null) return num(minor);
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException unknown) {
            digits = 2;
        }
        NumberFormat format = NumberFormat.getNumberInstance(Locale.US);
        format.setMinimumFractionDigits(digits);
        format.setMaximumFractionDigits(digits);
        return format.format(BigDecimal.valueOf(minor, digits)) + " " + currency;
    }

    /** Enum constants as the API spells them: PER_REQUEST → per_request. */
    public String lower(Object value) {
        return value == null ? "" : value.toString().toLowerCase(Locale.ROOT);
    }

    public String percent(long part, long whole) {
        if (whole == 0) return "0%";
        return BigDecimal.valueOf(part * 1000 / whole, 1).toPlainString() + "%";
    }
}
